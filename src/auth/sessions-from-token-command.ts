import type { RequestHandler } from 'express';
import type { SessionStore } from '../sessions/session-store';
import type { Authenticate } from './authenticate';
import { readBearerToken } from './bearer';
import type { TokenService } from './tokens';

/** The session a refused token names, when the token itself is good: signed by us, unexpired, ours. */
function sessionOfGoodToken(tokens: TokenService, token: string): string | undefined {
  try {
    return tokens.verifyAccessToken(token).sid;
  } catch {
    return undefined;
  }
}

/** Reads the sessions `fake-jwt-api token` added when `token` is good and names a session this server has not seen. */
export async function catchUpForToken(tokens: TokenService, sessions: SessionStore, token: string): Promise<void> {
  const sessionId = sessionOfGoodToken(tokens, token);
  if (sessionId !== undefined && !sessions.knows(sessionId)) await sessions.catchUp();
}

/**
 * `fake-jwt-api token` starts sessions from another process, in the sessions file. A good token naming a session
 * this server has not seen makes it read that file (only when it changed, one read at a time) before the request
 * goes on. Every other request pays nothing more than the authentication it needed anyway, kept on `req`; a
 * forged token pays one more signature check and never touches the disk.
 */
export function makeSessionCatchUp(authenticate: Authenticate, tokens: TokenService, sessions: SessionStore): RequestHandler {
  return function catchUpWithTokenCommand(req, _res, next) {
    let token: string | undefined;
    try {
      token = readBearerToken(req);
      authenticate(req);
      return next();
    } catch {
      // Refused: the guard or the auth route says why, after the catch-up below.
    }
    if (token === undefined) return next();
    catchUpForToken(tokens, sessions, token).then(
      () => next(),
      (error: unknown) => {
        console.error(`fake-jwt-api: could not read the sessions file: ${(error as Error).message}`);
        next();
      },
    );
  };
}
