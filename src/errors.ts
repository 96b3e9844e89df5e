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
  | 'email_not_verified'
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
/** 429, with Retry-After: a login throttled (README "Rate limits"). */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new ApiError(429, 'too_many_requests', message, { 'Retry-After': String(retryAfterSeconds) });

/** The stable codes of the decisions the stores make; http/errors.ts gives each its response. */
export type DomainErrorCode =
  /** An account with this email (compared case-insensitively) exists. */
  | 'ERR_EMAIL_TAKEN'
  | 'ERR_USERNAME_TAKEN'
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
 * The stable codes of the command line's failures (README "Command line"), each with the exit code it ends with and
 * what it means. The command line prints `fake-jwt-api: <message> [<code>]`; scripts and tests react to the code,
 * never to the message. A code is added here, with its meaning, or not at all: the union below is this table's keys.
 */
export const CLI_ERROR_CODES = {
  ERR_USAGE: { exitCode: 2, means: 'the command line itself: an unknown command or flag, a missing argument, a db name that looks like a typo' },
  ERR_OPTION: { exitCode: 2, means: 'an option (flag, env var, config-file key or library option) has a value that cannot be used' },
  ERR_CONFIG_FILE: { exitCode: 2, means: 'the config file (json-server.json or --config) is missing, not JSON, or has a bad key or value' },
  ERR_USERS_FILE: { exitCode: 2, means: 'the accounts (users.json) are missing, not JSON, or hold a bad or repeated account' },
  ERR_ROUTES_FILE: { exitCode: 2, means: 'routes.json has a bad entry, or a rule that would not protect what it names' },
  ERR_MIDDLEWARE_FILE: { exitCode: 2, means: 'a --middlewares file fails to load, or exports no function' },
  ERR_STATE_FILE: { exitCode: 2, means: 'a file in the state folder (.fake-jwt-api/: the signing key, sessions, account ids) is broken' },
  ERR_USERS_COLLECTION: { exitCode: 2, means: "the db's users collection and the accounts file would be two lists of users" },
  ERR_ACCOUNT: { exitCode: 2, means: 'users add or token: the email is taken or invalid, or no account has it' },
  ERR_FILE_EXISTS: { exitCode: 2, means: 'init would overwrite files that exist' },
  ERR_DB_FILE: { exitCode: 1, means: 'the db (db.json or a .js file) is missing, not JSON, fails to load, or holds data json-server cannot serve' },
  ERR_PORT_IN_USE: { exitCode: 1, means: 'another process listens on the port' },
  ERR_LISTEN: { exitCode: 1, means: 'the server cannot listen on the host and port for another reason (a privileged port, an unknown host)' },
  ERR_FILE_LOCK_TIMEOUT: { exitCode: 1, means: "a file's lock has been held far longer than any write takes" },
} as const satisfies Record<`ERR_${string}`, { exitCode: 1 | 2; means: string }>;

/** A code of the command line's failures: one of CLI_ERROR_CODES. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;
type CodeExitingWith<Exit extends 1 | 2> = { [Code in CliErrorCode]: (typeof CLI_ERROR_CODES)[Code]['exitCode'] extends Exit ? Code : never }[CliErrorCode];
/** The codes of bad usage or configuration (exit code 2). */
export type ConfigErrorCode = CodeExitingWith<2>;
/** The codes of failures at run time (exit code 1). */
export type RuntimeErrorCode = CodeExitingWith<1>;

/**
 * Bad usage or bad configuration: a flag, a config file, routes.json, users.json, the secret.
 * The command line prints the message and code as one line and exits with code 2.
 */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A failure at run time (a db file json-server cannot serve, a port in use): exit code 1. */
export class RuntimeError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}
