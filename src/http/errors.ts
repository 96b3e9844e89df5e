import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ApiError, notFound } from '../errors';

interface HttpLikeError {
  type?: string;
  status?: number;
  expose?: boolean;
  message?: string;
}

/** Turns anything thrown into the ApiError the client gets; unexpected errors become a 500 without details. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const httpError = (error ?? {}) as HttpLikeError;
  // body-parser's errors carry a `type` (https://github.com/expressjs/body-parser#errors).
  if (httpError.type === 'entity.parse.failed') return new ApiError(400, 'invalid_request', `The request body is not valid JSON (${httpError.message}).`);
  if (httpError.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'The request body is larger than the server accepts (10 MB).');
  // Any other client error from Express or body-parser (a malformed %-escape in a path, an unsupported charset).
  if (typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
    return new ApiError(400, 'invalid_request', `The request could not be read: ${httpError.message ?? 'malformed request'}.`);
  }
  // lodash-id, under json-server's POST, throws this when the body names an id already taken.
  if (httpError.message === 'Insert failed, duplicate id') return new ApiError(409, 'conflict', 'A record with this id already exists; leave the id out to have one assigned.');
  return new ApiError(500, 'server_error', 'Something went wrong on the server; its log has the details.');
}

/** Writes an ApiError as the README's "HTTP API" JSON: `{ error, message }`, with its status and headers. */
export function sendApiError(res: Parameters<RequestHandler>[1], error: ApiError): void {
  res.status(error.status).set(error.headers).json({ error: error.code, message: error.message });
}

/** The one place where an error becomes a response. Never sends a stack trace. */
export const errorHandler: ErrorRequestHandler = function errorHandler(error, req, res, next) {
  if (res.headersSent) return next(error);
  const apiError = toApiError(error);
  // The server's log gets what the client does not: the stack of an unexpected error, or our own 500's reason.
  if (apiError.status >= 500) console.error(`fake-jwt-api: ${req.method} ${req.originalUrl} failed:`, error instanceof ApiError ? error.message : error);
  sendApiError(res, apiError);
};

export function noRouteError(req: Request): ApiError {
  return notFound(`There is no route ${req.method} ${req.path}. See GET / for the resources this server has.`);
}

/** The last handler: nothing matched. */
export const notFoundHandler: RequestHandler = function notFoundHandler(req, _res, next) {
  next(noRouteError(req));
};
