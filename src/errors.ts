/**
 * Every error the server or the command line can raise, each with a stable code; files/errors.ts adds the file
 * mechanics' own (a write refused over a hand edit, a lock held too long). Tests assert on codes and statuses,
 * never on message text. Only http/errors.ts turns an error into a response.
 */

/** The `error` codes of the README's "HTTP API", in RFC 6749/6750 words where one exists. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'invalid_grant'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'server_error';

/** An error that becomes an HTTP response: `{ error, message }` with `status` and extra headers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(400, 'invalid_request', message);
export const forbidden = (message: string, headers: Record<string, string> = {}) => new ApiError(403, 'forbidden', message, headers);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);

/** The stable codes of the decisions the stores make; http/errors.ts gives each its response. */
export type DomainErrorCode =
  /** An account with this email (compared case-insensitively) exists. */
  | 'ERR_EMAIL_TAKEN'
  /** The server takes no new accounts (its message says why). */
  | 'ERR_REGISTRATION_CLOSED'
  /** The accounts file, edited while the server runs, cannot be read as accounts: nothing is guessed. */
  | 'ERR_ACCOUNTS_FILE_INVALID'
  /** A client named a new record's id that is no id (not a safe integer, nor a non-empty string). */
  | 'ERR_RECORD_ID_INVALID'
  /** A client named a new record's id that a record has, or had: ids are never given twice. */
  | 'ERR_RECORD_ID_USED';

/**
 * A rule of the accounts or of the records said no. Not an HTTP error: the stores know nothing of HTTP, and the
 * command line meets these too. http/errors.ts answers each code with one status and `error`, and this message.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Bad usage or bad configuration: a flag, a config file, routes.json, users.json, the secret.
 * The command line prints the message as one line and exits with code 2.
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A failure at run time (a db file json-server cannot serve, a port in use): exit code 1. */
export class RuntimeError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}
