import { createHash, randomBytes } from 'node:crypto';
import { accountIdentity, type Account } from '../accounts/accounts-file';

/** The cookie that lets a second authorization skip the login form (single sign-on at this provider). */
export const PROVIDER_SESSION_COOKIE = 'fake_jwt_api_op';
// As for codes: a flood of logins cannot grow the map without end; the oldest provider sessions go first.
const MAX_PROVIDER_SESSIONS = 10_000;

/** Who signed in at the login page, and when. */
export interface ProviderSession {
  accountId: string;
  /** accounts-file.ts accountIdentity: the session is worthless once the id or email changed hands. */
  accountIdentity: string;
  /** Seconds since the epoch: when the password was typed (OIDC `auth_time`). */
  authTime: number;
}

export interface ProviderSessions {
  /** Records a login; returns the cookie value that stands for it. */
  start(account: Account): string;
  /** The login a cookie value stands for. The caller checks the account still has the recorded identity. */
  find(cookieValue: string | undefined): ProviderSession | undefined;
  end(cookieValue: string | undefined): void;
  /** Ends every provider session of an account: its password changed, or it logged out everywhere. */
  endAllOf(accountId: string): void;
  clear(): void;
}

// Kept by a hash of the cookie value: the map never holds what a browser presents.
const keyOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('base64url');

/** In memory: a restart signs everyone out of the provider, as it should for a development server. */
export function makeProviderSessions(now: () => number): ProviderSessions {
  const sessions = new Map<string, ProviderSession>();
  return {
    start(account) {
      for (const key of sessions.keys()) {
        if (sessions.size < MAX_PROVIDER_SESSIONS) break;
        sessions.delete(key);
      }
      const cookieValue = randomBytes(32).toString('base64url');
      sessions.set(keyOf(cookieValue), { accountId: String(account.id), accountIdentity: accountIdentity(account), authTime: Math.floor(now() / 1000) });
      return cookieValue;
    },
    find(cookieValue) {
      return cookieValue ? sessions.get(keyOf(cookieValue)) : undefined;
    },
    end(cookieValue) {
      if (cookieValue) sessions.delete(keyOf(cookieValue));
    },
    endAllOf(accountId) {
      for (const [key, session] of sessions) if (session.accountId === accountId) sessions.delete(key);
    },
    clear() {
      sessions.clear();
    },
  };
}
