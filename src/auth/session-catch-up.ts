import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import type { SessionStore } from '../store/sessions';
import type { Authenticate } from './authenticate';
import { readBearerToken } from './bearer';

/** The `sid` claim of a token, read without checking it: only to decide whether to look at the sessions file. */
function unverifiedSessionId(token: string): string | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.sid === 'string' ? payload.sid : undefined;
}

/**
 * `fake-jwt-api token` starts sessions from another process, in the sessions file. A token naming a session this
 * server has not seen makes it read that file once (only when it changed) before the request goes on; every
 * other request pays nothing more than the authentication it needed anyway, whose result is kept on `req`.
 */
export function makeSessionCatchUp(authenticate: Authenticate, sessions: SessionStore): RequestHandler {
  return (req, _res, next) => {
    let token: string | undefined;
    try {
      token = readBearerToken(req);
      authenticate(req);
      return next();
    } catch {
      // Refused: the guard or the auth route says why, after the catch-up below.
    }
    const sessionId = token === undefined ? undefined : unverifiedSessionId(token);
    if (sessionId === undefined || sessions.knows(sessionId)) return next();
    sessions.catchUp().then(
      () => next(),
      (error: unknown) => {
        console.error(`fake-jwt-api: could not read the sessions file: ${(error as Error).message}`);
        next();
      },
    );
  };
}
