import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { isAllowedOrigin, refuseForeignOrigin } from './origins';

export interface AuthOriginOptions {
  /** --cors-origin: origins besides this machine's pages that may use the auth endpoints (`*`: any). */
  corsOrigins: readonly string[];
  /** Whether a request goes to an endpoint that hands out or takes tokens (auth/endpoints.ts). */
  isAuthEndpoint: (req: Request) => boolean;
}

/** Headers a browser app must be able to read: the 401 challenge, json-server's paging headers, a throttled login's wait. */
export const EXPOSED_HEADERS: readonly string[] = ['WWW-Authenticate', 'X-Total-Count', 'Link', 'Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy'];

const CORS_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
];

const refusedOrigin = (req: Request, options: AuthOriginOptions) =>
  req.headers.origin !== undefined && options.isAuthEndpoint(req) && !isAllowedOrigin(req, req.headers.origin, options.corsOrigins);

export interface CorsHeadersOptions extends AuthOriginOptions {
  exposedHeaders: readonly string[];
  /** With routes.json rewrites the auth gate, after them, answers preflights: only there is the real path known. */
  preflightsWaitForRewrites: boolean;
  /** Documents that answer any origin without credentials (the JWKS, discovery): their own step sets their CORS. */
  isPublicDocument: (req: Request) => boolean;
}

/**
 * json-server's CORS (any origin, with credentials) for data and static files: their answers hold nothing a Bearer
 * token did not unlock. The auth endpoints answer only the origins that may get a token (see origins.ts).
 */
export function makeCorsHeaders(options: CorsHeadersOptions): RequestHandler {
  const reflect = cors({ origin: true, credentials: true, exposedHeaders: [...options.exposedHeaders], preflightContinue: options.preflightsWaitForRewrites });
  return function corsHeaders(req, res, next) {
    if (refusedOrigin(req, options) || options.isPublicDocument(req)) return next(); // the auth gate answers the first with a 403
    reflect(req, res, next);
  };
}

export interface AuthOriginGateOptions extends AuthOriginOptions {
  /** CORS is on: end the preflights that reach the gate (makeCorsHeaders left them to it). */
  answerPreflights: boolean;
}

/**
 * After routes.json's rewrites, so an alias cannot slip past: an auth request from a page on an origin that may not
 * get a token is a 403. CORS alone would not do: a browser still sends a cross-site form post (urlencoded or
 * text/plain) without asking, and only the reading of the answer is refused; a login or registration would have run.
 */
export function makeAuthOriginGate(options: AuthOriginGateOptions): RequestHandler {
  return function authOriginGate(req, res, next) {
    if (refusedOrigin(req, options)) {
      for (const header of CORS_HEADERS) res.removeHeader(header);
      refuseForeignOrigin(req, options.corsOrigins);
    }
    if (options.answerPreflights && req.method === 'OPTIONS') return void res.status(204).set('Content-Length', '0').end();
    next();
  };
}
