import { createHash, randomBytes } from 'node:crypto';
import { accountIdentity, type Account } from '../accounts/accounts-file';

/** The cookie that lets a second authorization skip the login form (single sign-on at this provider). */
export const PROVIDER_SESSION_COOKIE = 'fake_jwt_api_op';
// As for codes: a flood of logins cannot grow the map without end. One account's own oldest sign-ins go first (it
// cannot push the others' out); past the whole cap, the oldest of all. Either way an evicted sign-in ends as a
// sign-out would, its app sessions with it: none escapes a later sign-out by being forgotten.
const MAX_PROVIDER_SESSIONS = 10_000;
const MAX_PER_ACCOUNT = 50;
// The app sessions one sign-in started, remembered so that its sign-out ends them: far more than the apps one
// browser signs in to (an SDK's silent renewals each start one). Ended ones are dropped first; past the cap the
// oldest live one is ended, so a flood only costs the flooder's own sessions.
const MAX_APP_SESSIONS = 1_000;

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

/** What ending a sign-in does to the rest of the server (app/provider.ts wires them). */
export interface SignInEndings {
  /** Ends app sessions (the sessions store); a sign-out waits for it. */
  endAppSessions(sessionIds: readonly string[]): Promise<void>;
  /** Whether an app session is still on: ended ones need not be remembered. */
  isLive(sessionId: string): boolean;
  /** A sign-in ended: its codes not yet exchanged die with it. */
  signInEnded(id: string): void;
}

export interface ProviderSessions {
  /** Records a login; returns the cookie value that stands for it. */
  start(account: Account): string;
  /**
   * The same account signing in again in this browser (prompt=login, max_age): a new cookie value (session
   * fixation), the same app sessions, so that a later sign-out still ends them.
   */
  renew(cookieValue: string, account: Account): string;
  /** The login a cookie value stands for. The caller checks the account still has the recorded identity. */
  find(cookieValue: string | undefined): ProviderSession | undefined;
  /** Ends it, and the app sessions it started; resolves once they are ended. */
  end(cookieValue: string | undefined): Promise<void>;
  /** Ends every provider session of an account: its password changed, or it logged out everywhere. */
  endAllOf(accountId: string): void;
  /**
   * A code of the provider session `id` started the app session `sessionId` (at the token endpoint). False when that
   * sign-in ended meanwhile: the caller ends the app session too.
   */
  started(id: string, sessionId: string): boolean;
  clear(): void;
}

// Kept by a hash of the cookie value: the map never holds what a browser presents.
const keyOf = (cookieValue: string) => createHash('sha256').update(cookieValue).digest('base64url');

const NO_ENDINGS: SignInEndings = { endAppSessions: async () => undefined, isLive: () => true, signInEnded: () => undefined };

/** In memory: a restart signs everyone out of the provider, as it should for a development server. */
export function makeProviderSessions(now: () => number, endings: SignInEndings = NO_ENDINGS): ProviderSessions {
  const sessions = new Map<string, ProviderSession>();
  /** The app sessions each sign-in started, by its id, oldest first. */
  const appSessions = new Map<string, Set<string>>();

  /** Forgets a sign-in; returns what ending it must end too. */
  function forget(id: string): string[] {
    if (!sessions.delete(id)) return [];
    const started = [...(appSessions.get(id) ?? [])];
    appSessions.delete(id);
    endings.signInEnded(id);
    return started;
  }
  /** An ending nobody waits for (an eviction, logout everywhere): the sessions end as soon as the store can. */
  const endInBackground = (sessionIds: readonly string[]) => void endings.endAppSessions(sessionIds).catch(() => undefined);

  function makeRoom(accountId: string): void {
    const own = [...sessions.values()].filter((session) => session.accountId === accountId);
    for (const { id } of own.slice(0, Math.max(0, own.length - MAX_PER_ACCOUNT + 1))) endInBackground(forget(id));
    for (const id of sessions.keys()) {
      if (sessions.size < MAX_PROVIDER_SESSIONS) break;
      endInBackground(forget(id));
    }
  }

  function start(account: Account): string {
    makeRoom(String(account.id));
    const cookieValue = randomBytes(32).toString('base64url');
    const id = keyOf(cookieValue);
    sessions.set(id, { id, accountId: String(account.id), accountIdentity: accountIdentity(account), authTime: Math.floor(now() / 1000) });
    return cookieValue;
  }

  return {
    start,
    renew(cookieValue, account) {
      const carried = forget(keyOf(cookieValue));
      const renewed = start(account);
      if (carried.length > 0) appSessions.set(keyOf(renewed), new Set(carried));
      return renewed;
    },
    find: (cookieValue) => (cookieValue ? sessions.get(keyOf(cookieValue)) : undefined),
    end: async (cookieValue) => (cookieValue ? endings.endAppSessions(forget(keyOf(cookieValue))) : undefined),
    endAllOf(accountId) {
      for (const [id, session] of sessions) if (session.accountId === accountId) endInBackground(forget(id));
    },
    started(id, sessionId) {
      if (!sessions.has(id)) return false;
      const started = appSessions.get(id) ?? new Set<string>();
      started.add(sessionId);
      if (started.size > MAX_APP_SESSIONS) for (const old of started) if (!endings.isLive(old)) started.delete(old);
      for (const oldest of started) {
        if (started.size <= MAX_APP_SESSIONS) break;
        started.delete(oldest);
        endInBackground([oldest]);
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
