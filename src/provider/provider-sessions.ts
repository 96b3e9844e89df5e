import { createHash, randomBytes } from 'node:crypto';
import { accountIdentity, type Account } from '../accounts/accounts-file';

/** The cookie that lets a second authorization skip the login form (single sign-on at this provider). */
export const PROVIDER_SESSION_COOKIE = 'fake_jwt_api_op';
// As for codes: a flood of logins cannot grow the map without end; the oldest provider sessions go first.
const MAX_PROVIDER_SESSIONS = 10_000;

/** Who signed in at the login page, and when. */
export interface ProviderSession {
  /** Stands for it in codes (never the cookie value, which only the browser holds). */
  id: string;
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
  /** Ends it; returns the app sessions that signed in through it (see started), for the caller to end. */
  end(cookieValue: string | undefined): string[];
  /** Ends every provider session of an account: its password changed, or it logged out everywhere. */
  endAllOf(accountId: string): void;
  /**
   * A code of the provider session `id` started the app session `sessionId` (at the token endpoint). False when that
   * sign-in ended meanwhile: the caller ends the app session too.
   */
  started(id: string, sessionId: string): boolean;
  clear(): void;
}

// The app sessions remembered for one sign-in: far more than the apps one browser signs in to. A flood of code
// exchanges cannot grow it without end; the oldest go first.
const MAX_APP_SESSIONS = 100;

// Kept by a hash of the cookie value: the map never holds what a browser presents.
const keyOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('base64url');

/**
 * In memory: a restart signs everyone out of the provider, as it should for a development server. `onEnded` hears of
 * each sign-in that ends (not of clear()): its codes not yet exchanged die with it.
 */
export function makeProviderSessions(now: () => number, onEnded?: (id: string) => void): ProviderSessions {
  const sessions = new Map<string, ProviderSession>();
  /** The app sessions each sign-in started, by its id. */
  const appSessions = new Map<string, Set<string>>();
  function forget(id: string): void {
    if (!sessions.delete(id)) return;
    appSessions.delete(id);
    onEnded?.(id);
  }
  return {
    start(account) {
      for (const key of sessions.keys()) {
        if (sessions.size < MAX_PROVIDER_SESSIONS) break;
        forget(key);
      }
      const cookieValue = randomBytes(32).toString('base64url');
      const id = keyOf(cookieValue);
      sessions.set(id, { id, accountId: String(account.id), accountIdentity: accountIdentity(account), authTime: Math.floor(now() / 1000) });
      return cookieValue;
    },
    find(cookieValue) {
      return cookieValue ? sessions.get(keyOf(cookieValue)) : undefined;
    },
    end(cookieValue) {
      if (!cookieValue) return [];
      const id = keyOf(cookieValue);
      const started = [...(sessions.has(id) ? (appSessions.get(id) ?? []) : [])];
      forget(id);
      return started;
    },
    endAllOf(accountId) {
      for (const [id, session] of sessions) if (session.accountId === accountId) forget(id);
    },
    started(id, sessionId) {
      if (!sessions.has(id)) return false;
      const started = appSessions.get(id) ?? new Set<string>();
      started.add(sessionId);
      for (const oldest of started) {
        if (started.size <= MAX_APP_SESSIONS) break;
        started.delete(oldest);
      }
      appSessions.set(id, started);
      return true;
    },
    clear() {
      sessions.clear();
      appSessions.clear();
    },
  };
}
