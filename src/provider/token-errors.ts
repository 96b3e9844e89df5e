import type { ErrorRequestHandler, Response } from 'express';
import { REALM } from '../auth/challenge';

/** RFC 6749 §5.2's error codes, those the token endpoint answers with. */
export type TokenErrorCode = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'too_many_requests';

/**
 * A refusal of the token endpoint, answered as RFC 6749 §5.2 says (`{ error, error_description }`), not with the
 * rest of the API's `{ error, message }`: OAuth client libraries read `error_description`.
 */
export class TokenEndpointError extends Error {
  constructor(
    readonly code: TokenErrorCode,
    readonly description: string,
    /** Retry-After, for too_many_requests. */
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = 'TokenEndpointError';
  }

  /** §5.2: 400, but 401 for a client that failed to authenticate; 429 while its secret's guesser waits (RFC 6585). */
  get status(): number {
    return this.code === 'invalid_client' ? 401 : this.code === 'too_many_requests' ? 429 : 400;
  }
}

export const tokenError = (code: TokenErrorCode, description: string) => new TokenEndpointError(code, description);

/** RFC 6749 §5.1: token responses, and their errors, are never cached. */
export function noStore(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
}

/** The token endpoint's own error handler: its refusals in RFC 6749 words; anything else goes on to the app's. */
export const tokenErrorHandler: ErrorRequestHandler = function tokenErrorHandler(error, _req, res, next) {
  if (!(error instanceof TokenEndpointError) || res.headersSent) return next(error);
  noStore(res);
  // §5.2: a 401 carries a challenge for the scheme a client would authenticate with (Basic, §2.3.1).
  if (error.status === 401) res.set('WWW-Authenticate', `Basic realm="${REALM}"`);
  res.set(error.headers);
  res.status(error.status).json({ error: error.code, error_description: error.description });
};
