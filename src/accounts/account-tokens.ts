import { createHash, randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../files/atomic';
import { readJsonFile } from '../files/json-file';

/** What a mailed link lets its holder do, once (README "Password reset and email verification"). */
export type TokenPurpose = 'reset-password' | 'verify-email';

/** Whose token it is: an account as it was when the link went out (accounts-file.ts accountIdentity). */
export interface TokenHolder {
  userId: string;
  accountIdentity: string;
}

interface StoredToken extends TokenHolder {
  /** SHA-256 of the token, base64url: the file never holds what a link carries. */
  hash: string;
  purpose: TokenPurpose;
  /** Milliseconds since the epoch. */
  issuedAt: number;
  expiresAt: number;
}

export interface AccountTokens {
  /** A new 256-bit token for `holder`, valid `ttlMs`; only its hash is kept, on disk before this resolves. */
  issue(purpose: TokenPurpose, holder: TokenHolder, ttlMs: number): Promise<string>;
  /** Spends a token: its holder the first time, if it is of this purpose and not expired; undefined otherwise. */
  redeem(purpose: TokenPurpose, token: unknown): Promise<TokenHolder | undefined>;
  /**
   * Whether a token of this purpose went to this account, at its current email (`holder` as now), after `since`
   * (ms): one mail a minute, say. A new email is another address: its first mail is not held back.
   */
  issuedSince(purpose: TokenPurpose, holder: TokenHolder, since: number): boolean;
  /** Every link of this purpose to this account dies: its password changed, so older reset links must not work. */
  forget(purpose: TokenPurpose, userId: string): Promise<void>;
  /** reset(): every link dies. */
  clear(): Promise<void>;
}

// Links of one account and purpose alive at once: a few "send it again"s, no more (the oldest die first).
const MAX_PER_HOLDER = 5;
// The whole file: far beyond any class; a flood of registrations cannot grow it without end (the oldest go first).
const MAX_TOKENS = 10_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as StoredToken;
  return typeof token?.hash === 'string' && typeof token.userId === 'string' && typeof token.expiresAt === 'number';
}

/**
 * The tokens of mailed links, hashed, in the state folder (`account-tokens.json`): a link still works after a
 * restart, as the mail that carries it is still in the outbox. A file that cannot be read is started over: the
 * links it held die, and new ones can be asked for.
 */
export async function openAccountTokens(file: string, now: () => number): Promise<AccountTokens> {
  const read = await readJsonFile(
    file,
    (message) => new Error(message),
    () => ({ tokens: [] }),
  ).catch(() => ({ tokens: [] }));
  const listed = (read as { tokens?: unknown }).tokens;
  let tokens: StoredToken[] = Array.isArray(listed) ? listed.filter(isStoredToken) : [];
  let saving = Promise.resolve();
  const save = () => (saving = saving.then(() => writeJsonAtomic(file, { tokens }, 0o600)));
  const live = () => (tokens = tokens.filter((token) => token.expiresAt > now()));

  return {
    async issue(purpose, holder, ttlMs) {
      live();
      const token = randomBytes(32).toString('base64url');
      const same = (stored: StoredToken) => stored.purpose === purpose && stored.userId === holder.userId;
      const older = tokens.filter(same);
      const dropped = new Set(older.slice(0, Math.max(0, older.length - MAX_PER_HOLDER + 1)));
      tokens = tokens.filter((stored) => !dropped.has(stored)).slice(-(MAX_TOKENS - 1));
      tokens.push({ hash: hashOf(token), purpose, ...holder, issuedAt: now(), expiresAt: now() + ttlMs });
      await save();
      return token;
    },
    async redeem(purpose, token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
      live();
      const hash = hashOf(token);
      const found = tokens.find((stored) => stored.hash === hash && stored.purpose === purpose);
      if (!found) return undefined;
      tokens = tokens.filter((stored) => stored !== found); // single use, spent before it acts
      await save();
      return { userId: found.userId, accountIdentity: found.accountIdentity };
    },
    issuedSince: (purpose, { userId, accountIdentity }, since) =>
      tokens.some(
        (stored) => stored.purpose === purpose && stored.userId === userId && stored.accountIdentity === accountIdentity && (stored.issuedAt ?? 0) > since,
      ),
    async forget(purpose, userId) {
      const before = tokens.length;
      tokens = tokens.filter((stored) => stored.purpose !== purpose || stored.userId !== userId);
      if (tokens.length !== before) await save();
    },
    async clear() {
      if (tokens.length === 0) return; // nothing to forget: no file written (a state folder stays as it was)
      tokens = [];
      await save();
    },
  };
}
