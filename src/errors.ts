/**
 * Every error the server or the command line can raise, each with a stable code.
 * Tests assert on codes and statuses, never on message text.
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
export const forbidden = (message: string, headers: Record<string, string> = {}) =>
  new ApiError(403, 'forbidden', message, headers);
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
export const conflict = (message: string) => new ApiError(409, 'conflict', message);

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
