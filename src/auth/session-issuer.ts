import type { Response } from 'express';
import { accountIdentity, toPublicUser, type Account, type PublicUser } from '../accounts/accounts-file';
import type { Session, SessionStore } from '../sessions/session-store';
import { setRefreshCookie, type CookieSettings } from './cookies';
import { accountSubject } from './account-subject';
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
  /** --claims: the profile fields every access token carries (README "Custom claims"). */
  claims?: readonly string[];
}

export interface SessionIssuer {
  /**
   * Logs an account in: a new session, ending the others with --single-session. `accessTtlSeconds`: the lifetime
   * the login asked for (--allow-client-ttl), the session's access tokens' from now on, its refreshes' too.
   */
  startSession(res: Response, account: Account, accessTtlSeconds?: number): Promise<AuthResult>;
  /** The AuthResult for a session and its fresh refresh token (after a login or a refresh), at the session's lifetime. */
  result(res: Response, account: Account, session: Session, refreshToken: string): AuthResult;
}

export function makeSessionIssuer(options: SessionIssuerOptions): SessionIssuer {
  const { tokens, sessions, cookie, singleSession, now, claims = [] } = options;

  function result(res: Response, account: Account, session: Session, refreshToken: string): AuthResult {
    // The request: its origin is the iss (README "Tokens").
    const issued = tokens.issueAccessToken(accountSubject(account, claims), session.id, res.req, session.accessTtlSeconds);
    if (cookie) setRefreshCookie(res, cookie, refreshToken, Math.floor((session.refreshExpiresAt - now()) / 1000));
    return {
      accessToken: issued.token,
      ...(cookie ? {} : { refreshToken }),
      tokenType: 'Bearer',
      expiresIn: issued.expiresIn,
      user: toPublicUser(account),
    };
  }

  async function startSession(res: Response, account: Account, accessTtlSeconds?: number): Promise<AuthResult> {
    const userAgent = res.req.get('user-agent'); // for GET /auth/sessions: which device this is
    const { session, refreshToken } = await sessions.start(String(account.id), accountIdentity(account), {
      endOthers: singleSession,
      userAgent,
      accessTtlSeconds,
    });
    return result(res, account, session, refreshToken);
  }

  return { startSession, result };
}
