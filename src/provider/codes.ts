import { randomBytes } from 'node:crypto';

/** RFC 6749 §4.1.2: a short lifetime; 60 s is the usual figure (Auth0, Keycloak). */
export const CODE_LIFETIME_MS = 60_000;
// Enough for every tab of every developer: a flood of authorizations cannot grow the map without end.
const MAX_CODES = 10_000;
// Pending codes of one account: more than any person's open tabs. One signed-in account cannot push the others'
// codes out of the map by minting thousands (its own oldest go first).
const MAX_CODES_PER_ACCOUNT = 20;

/** What an authorization code stands for, from the request that made it. */
export interface Grant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce?: string;
  scopes: readonly string[];
  accountId: string;
  /** accounts-file.ts accountIdentity: the code is worthless if the account changed hands since. */
  accountIdentity: string;
  /** Seconds since the epoch: when the user last typed a password (OIDC `auth_time`). */
  authTime: number;
  /** The provider session (browser sign-in) that made it: signing out there kills the code, and the session it starts. */
  signIn?: string;
}

export type Redemption = { outcome: 'granted'; grant: Grant } | { outcome: 'reused'; sessionId?: string } | { outcome: 'unknown' | 'expired' };

export interface CodeStore {
  issue(grant: Grant): string;
  /** Spends the code: its grant the first time; `reused` after (with the session its first use started). */
  redeem(code: string): Redemption;
  /**
   * Remembers the session a granted code started, so a second use can end it (RFC 6749 §4.1.2). True when a second
   * use came while that session was being started: the caller ends it at once.
   */
  startedSession(code: string, sessionId: string): boolean;
  /** The browser sign-in `signIn` ended: its codes not yet exchanged are worthless. */
  forgetSignIn(signIn: string): void;
  clear(): void;
}

interface Entry {
  grant: Grant;
  expiresAt: number;
  spent: boolean;
  sessionId?: string;
  /** A second use came before the first one's session was known. */
  reusedEarly?: boolean;
}

/** `onStarted`: a code of the browser sign-in `signIn` started the app session `sessionId`. */
export function makeCodeStore(now: () => number, onStarted?: (signIn: string, sessionId: string) => void): CodeStore {
  const entries = new Map<string, Entry>();

  function sweep(): void {
    const time = now();
    for (const [code, entry] of entries) if (entry.expiresAt <= time) entries.delete(code);
    // Still full: the oldest go first (a Map keeps insertion order).
    for (const code of entries.keys()) {
      if (entries.size < MAX_CODES) break;
      entries.delete(code);
    }
  }

  return {
    issue(grant) {
      sweep();
      const own = [...entries].filter(([, entry]) => entry.grant.accountId === grant.accountId);
      for (const [code] of own.slice(0, Math.max(0, own.length - MAX_CODES_PER_ACCOUNT + 1))) entries.delete(code);
      const code = randomBytes(32).toString('base64url');
      entries.set(code, { grant, expiresAt: now() + CODE_LIFETIME_MS, spent: false });
      return code;
    },
    redeem(code) {
      const entry = entries.get(code);
      if (!entry || entry.expiresAt <= now()) {
        // A spent code stays known until it expires; after that a repeat is merely unknown.
        return { outcome: entry ? 'expired' : 'unknown' };
      }
      if (entry.spent) {
        if (entry.sessionId === undefined) entry.reusedEarly = true;
        return { outcome: 'reused', sessionId: entry.sessionId };
      }
      entry.spent = true;
      return { outcome: 'granted', grant: entry.grant };
    },
    startedSession(code, sessionId) {
      const entry = entries.get(code);
      if (entry) entry.sessionId = sessionId;
      if (entry?.grant.signIn !== undefined) onStarted?.(entry.grant.signIn, sessionId);
      return entry?.reusedEarly ?? false;
    },
    forgetSignIn(signIn) {
      for (const [code, entry] of entries) if (!entry.spent && entry.grant.signIn === signIn) entries.delete(code);
    },
    clear() {
      entries.clear();
    },
  };
}
