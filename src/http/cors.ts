import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { LOGIN_PATHS, REGISTER_PATHS } from '../auth/routes';
import { isAllowedOrigin, refuseForeignOrigin } from './origins';

export interface AuthOriginOptions {
  /** --cors-origin: origins besides this machine's pages that may use the auth endpoints (`*`: any). */
  corsOrigins: readonly string[];
  /** POST /users registers (json-server-auth's accounts collection). */
  registerAtUsers: boolean;
}

const ALIASES = new Set([...LOGIN_PATHS, ...REGISTER_PATHS].filter((path) => !path.startsWith('/auth/')));
const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers', 'Access-Control-Allow-Methods', 'Access-Control-Allow-Headers'];

/**
 * The endpoints that hand out or take tokens: everything under /auth, json-server-auth's aliases, and POST /users
 * where it registers (also its preflight). Express matches routes case-insensitively and with a trailing slash,
 * so this does too.
 */
export function isAuthEndpoint(req: Request, registerAtUsers: boolean): boolean {
  const path = req.path.toLowerCase().replace(/\/+$/, '');
  if (path === '/auth' || path.startsWith('/auth/') || ALIASES.has(path)) return true;
  if (!registerAtUsers || path !== '/users') return false;
  return req.method === 'POST' || (req.method === 'OPTIONS' && String(req.headers['access-control-request-method']).toUpperCase() === 'POST');
}

const refusedOrigin = (req: Request, options: AuthOriginOptions) =>
  req.headers.origin !== undefined && isAuthEndpoint(req, options.registerAtUsers) && !isAllowedOrigin(req, req.headers.origin, options.corsOrigins);

export interface CorsHeadersOptions extends AuthOriginOptions {
  exposedHeaders: readonly string[];
  /** With routes.json rewrites the auth gate, after them, answers preflights: only there is the real path known. */
  preflightsWaitForRewrites: boolean;
}

/**
 * json-server's CORS (any origin, with credentials) for data and static files: their answers hold nothing a Bearer
 * token did not unlock. The auth endpoints answer only the origins that may get a token (see origins.ts).
 */
export function makeCorsHeaders(options: CorsHeadersOptions): RequestHandler {
  const reflect = cors({ origin: true, credentials: true, exposedHeaders: [...options.exposedHeaders], preflightContinue: options.preflightsWaitForRewrites });
  return function corsHeaders(req, res, next) {
    if (refusedOrigin(req, options)) return next(); // no CORS headers; the auth gate answers it with a 403
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
