import type { Request } from 'express';
import { readBearerToken } from './bearer';
import { missingToken } from './challenge';
import type { AccessClaims, TokenService } from './tokens';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified access-token claims of the caller, once the guard or an auth route has checked them. */
    auth?: AccessClaims;
  }
}

/** The caller's verified claims; undefined when no token was sent; an `invalid_token` 401 when a bad one was. */
export type Authenticate = (req: Request) => AccessClaims | undefined;

export function makeAuthenticate(tokens: TokenService): Authenticate {
  return function authenticate(req) {
    if (req.auth) return req.auth;
    const token = readBearerToken(req);
    if (token === undefined) return undefined;
    req.auth = tokens.verifyAccessToken(token);
    return req.auth;
  };
}

/** The caller's claims, or the 401 that asks for a token. */
export function requireAuthentication(authenticate: Authenticate, req: Request): AccessClaims {
  const claims = authenticate(req);
  if (!claims) throw missingToken();
  return claims;
}
