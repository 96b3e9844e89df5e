import type { Response } from 'express';
import { accountIdentity, isEmailVerified, roleOf, toPublicUser, type Account, type PublicUser } from '../accounts/accounts-file';
import type { Session, SessionStore } from '../sessions/session-store';
import { setRefreshCookie, type CookieSettings } from './cookies';
import type { TokenService } from './tokens';

export interface AuthResult {
  accessToken: string;
  /** Absent in cookie mode: the refresh token then travels only in the HttpOnly cookie. */
  refreshToken?: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: PublicUser;
}

export interface SessionIssuerOptions {
  tokens: TokenService;
  sessions: SessionStore;
  cookie?: CookieSettings;
  singleSession: boolean;
  now: () => number;
}

export interface SessionIssuer {
  /** Logs an account in: a new session, ending the others with --single-session. */
  startSession(res: Response, account: Account): Promise<AuthResult>;
  /** The AuthResult for a session and its fresh refresh token (after a login or a refresh). */
  result(res: Response, account: Account, session: Session, refreshToken: string): AuthResult;
}

export function makeSessionIssuer(options: SessionIssuerOptions): SessionIssuer {
  const { tokens, sessions, cookie, singleSession, now } = options;

  function result(res: Response, account: Account, session: Session, refreshToken: string): AuthResult {
    const subject = { id: account.id, email: account.email, role: roleOf(account), emailVerified: isEmailVerified(account) };
    const issued = tokens.issueAccessToken(subject, session.id, res.req); // the request: its origin is the iss (README "Tokens")
    if (cookie) setRefreshCookie(res, cookie, refreshToken, Math.floor((session.refreshExpiresAt - now()) / 1000));
    return {
      accessToken: issued.token,
      ...(cookie ? {} : { refreshToken }),
      tokenType: 'Bearer',
      expiresIn: issued.expiresIn,
      user: toPublicUser(account),
    };
  }

  async function startSession(res: Response, account: Account): Promise<AuthResult> {
    const userAgent = res.req.get('user-agent'); // for GET /auth/sessions: which device this is
    const { session, refreshToken } = await sessions.start(String(account.id), accountIdentity(account), { endOthers: singleSession, userAgent });
    return result(res, account, session, refreshToken);
  }

  return { startSession, result };
}
