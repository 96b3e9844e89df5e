import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ApiError, DomainError, notFound, type ApiErrorCode, type DomainErrorCode } from '../errors';
import { FileChangedOnDiskError } from '../files/errors';

interface HttpLikeError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

/**
 * The response to each decision of the stores, and to a hand edit that wins over a change (README "HTTP API"),
 * with the error's own message. A lock held too long (FileLockTimeoutError) is not here: like any failure the
 * client cannot act on, it is a 500 whose details only the log gets.
 */
const STORE_ERRORS: Record<DomainErrorCode | FileChangedOnDiskError['code'], { status: number; error: ApiErrorCode }> = {
  ERR_EMAIL_TAKEN: { status: 409, error: 'conflict' },
  ERR_USERNAME_TAKEN: { status: 409, error: 'conflict' },
  ERR_REGISTRATION_CLOSED: { status: 409, error: 'conflict' },
  ERR_ACCOUNTS_FILE_INVALID: { status: 500, error: 'server_error' },
  ERR_RECORD_ID_INVALID: { status: 400, error: 'invalid_request' },
  ERR_RECORD_ID_USED: { status: 409, error: 'conflict' },
  ERR_FILE_CHANGED_ON_DISK: { status: 409, error: 'conflict' },
};

/** The response an error we expect stands for; undefined for an unexpected one. */
function expectedApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof DomainError || error instanceof FileChangedOnDiskError) {
    const { status, error: code } = STORE_ERRORS[error.code];
    return new ApiError(status, code, error.message);
  }
  const httpError = (error ?? {}) as HttpLikeError;
  // body-parser's errors carry a `type` (https://github.com/expressjs/body-parser#errors).
  if (httpError.type === 'entity.parse.failed') return new ApiError(400, 'invalid_request', `The request body is not valid JSON (${httpError.message}).`);
  if (httpError.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'The request body is larger than the server accepts (10 MB).');
  // Any other client error from Express or body-parser (a malformed %-escape in a path, an unsupported charset).
  if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
    return new ApiError(400, 'invalid_request', `The request could not be read: ${httpError.message ?? 'malformed request'}.`);
  }
  // lodash-id, under json-server's POST, throws this when the body names an id already taken.
  if (httpError.message === 'Insert failed, duplicate id')
    return new ApiError(409, 'conflict', 'A record with this id already exists; leave the id out to have one assigned.');
  return undefined;
}

const unexpectedError = () => new ApiError(500, 'server_error', 'Something went wrong on the server; its log has the details.');

/** Turns anything thrown into the ApiError the client gets; unexpected errors become a 500 without details. */
export function toApiError(error: unknown): ApiError {
  return expectedApiError(error) ?? unexpectedError();
}

/** Writes an ApiError as the README's "HTTP API" JSON: `{ error, message }`, with its status and headers. */
export function sendApiError(res: Parameters<RequestHandler>[1], error: ApiError): void {
  res.status(error.status).set(error.headers).json({ error: error.code, message: error.message });
}

/** The one place where an error becomes a response. Never sends a stack trace. */
export const errorHandler: ErrorRequestHandler = function errorHandler(error, req, res, next) {
  if (res.headersSent) return next(error);
  const expected = expectedApiError(error);
  const apiError = expected ?? unexpectedError();
  // The server's log gets what the client does not: the stack of an unexpected error, or our own 500's reason.
  if (apiError.status >= 500) console.error(`fake-jwt-api: ${req.method} ${req.originalUrl} failed:`, expected ? expected.message : error);
  sendApiError(res, apiError);
};

export function noRouteError(req: Request): ApiError {
  return notFound(`There is no route ${req.method} ${req.path}. See GET / for the resources this server has.`);
}

/** The last handler: nothing matched. */
export const notFoundHandler: RequestHandler = function notFoundHandler(req, _res, next) {
  next(noRouteError(req));
};
