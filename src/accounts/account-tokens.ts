import { createHash, randomBytes } from 'node:crypto';
import { writeJsonAtomic } from '../files/atomic';
import { readJsonFile } from '../files/json-file';
import { emailKey } from './accounts-file';

/** What a mailed link lets its holder do, once (README "Password reset and email verification"). */
export type TokenPurpose = 'reset-password' | 'verify-email';

/** Whose token it is: an account as it was when the link went out (accounts-file.ts accountIdentity). */
export interface TokenHolder {
  userId: string;
  accountIdentity: string;
  /** A reset link's: passwordStamp() of the password it was mailed against; any change of that password kills the link. */
  passwordStamp?: string;
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
  /**
   * A new 256-bit token for `holder`, valid `ttlMs`, to be mailed to `address`; only its hash is kept, on disk
   * before this resolves. The mail is noted for mailedRecently().
   */
  issue(purpose: TokenPurpose, holder: TokenHolder, ttlMs: number, address: string): Promise<string>;
  /** Spends a token: its holder the first time, if it is of this purpose and not expired; undefined otherwise. */
  redeem(purpose: TokenPurpose, token: unknown): Promise<TokenHolder | undefined>;
  /**
   * Whether a mail of this purpose for this account to this address must wait, as one went out after `since` (ms):
   * of this purpose to this address (compared as emails are), for whichever account, a deleted one too; or, of either
   * purpose, to MAX_ADDRESSES_PER_INTERVAL other addresses of this account. So an email fixed a moment after
   * registering gets its own mail at once, and a reset may follow a verification mail at once, while no new account,
   * nor many accounts taking the address in turn, mails an inbox a kind of mail twice a minute, and no account mails
   * many inboxes. Kept apart from the tokens: forget() does not reopen it, clear() does.
   */
  mailedRecently(purpose: TokenPurpose, userId: string, address: string, since: number): boolean;
  /** Every link of these purposes to this account dies: its password or its email changed. The mail interval stays. */
  forget(userId: string, ...purposes: TokenPurpose[]): Promise<void>;
  /** reset(): every link dies, and every account may be mailed at once. */
  clear(): Promise<void>;
}

// Links of one account and purpose alive at once: a few "send it again"s, no more (the oldest die first).
const MAX_PER_HOLDER = 5;
// The whole file: far beyond any class; a flood of registrations cannot grow it without end (the oldest go first).
const MAX_TOKENS = 10_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * What a reset link is bound to: a digest of the account's password as users.json holds it (its hash, or the plain
 * text of a demo account, which is hashed anew at each start). Never the hash itself: this file must not hand out
 * what a password guesser needs. A password changed by any path (a link, POST /auth/password, users.json by hand)
 * gives another digest, and the link is dead.
 */
export function passwordStamp(userId: string, writtenPassword: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['reset-password', userId, writtenPassword]))
    .digest('base64url');
}

function isStoredToken(value: unknown): value is StoredToken {
  const token = value as StoredToken;
  if (typeof token?.hash !== 'string' || typeof token.userId !== 'string' || typeof token.expiresAt !== 'number') return false;
  // A reset token stored before links were bound to the password has no stamp: it is dropped, a dead link (it had
  // 30 minutes to live anyway; the user asks for another).
  return token.purpose !== 'reset-password' || typeof token.passwordStamp === 'string';
}

/**
 * The mail interval, apart from the tokens: when each address was last mailed a link of each purpose (`to` keys, for
 * any account: registering a new account, or taking the address by PATCH /auth/me, starts no new interval), and when
 * each account was last mailed at each address (`by` keys, both purposes together).
 */
type MailedAt = Record<string, number>;
const toAddress = (purpose: TokenPurpose, address: string) => `to\u0000${purpose}\u0000${emailKey(address)}`;
const byAccountPrefix = (userId: string) => `by\u0000${userId}\u0000`;
const byAccount = (userId: string, address: string) => byAccountPrefix(userId) + emailKey(address);
/** How many addresses of one account may get a mail, of either purpose, within the interval. */
const MAX_ADDRESSES_PER_INTERVAL = 2;
// Two entries a mail: as many mails as the file holds tokens.
const MAX_MAILED = 2 * MAX_TOKENS;

function mailedEntries(value: unknown): Array<[string, number]> {
  if (typeof value !== 'object' || value === null) return [];
  // A file of before the interval was per address keys its entries by purpose first: dropped, a minute at most forgotten.
  const current = (key: string) => key.startsWith('to\u0000') || key.startsWith('by\u0000');
  return Object.entries(value as MailedAt).filter((entry): entry is [string, number] => current(entry[0]) && typeof entry[1] === 'number');
}

/** The mail interval's memory: the newest MAX_MAILED of its entries. */
function mailLog(stored: unknown, now: () => number) {
  const mailed = new Map<string, number>(mailedEntries(stored));
  const noteKey = (key: string) => {
    mailed.delete(key); // to the end of the Map's order: the oldest go first
    mailed.set(key, now());
  };
  return {
    mailed,
    note(purpose: TokenPurpose, userId: string, address: string) {
      noteKey(toAddress(purpose, address));
      noteKey(byAccount(userId, address));
      for (const oldest of mailed.keys()) {
        if (mailed.size <= MAX_MAILED) break;
        mailed.delete(oldest);
      }
    },
    recently(purpose: TokenPurpose, userId: string, address: string, since: number): boolean {
      if ((mailed.get(toAddress(purpose, address)) ?? -Infinity) > since) return true;
      // This address mailed already (the other purpose) is no new one: a reset right after registering goes.
      const [prefix, same] = [byAccountPrefix(userId), byAccount(userId, address)];
      let others = 0;
      for (const [key, at] of mailed) if (at > since && key !== same && key.startsWith(prefix)) others += 1;
      return others >= MAX_ADDRESSES_PER_INTERVAL;
    },
  };
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
  const log = mailLog((read as { mailedAt?: unknown }).mailedAt, now);
  const { mailed } = log;
  let saving = Promise.resolve();
  const save = () => (saving = saving.then(() => writeJsonAtomic(file, { tokens, mailedAt: Object.fromEntries(mailed) }, 0o600)));
  const live = () => (tokens = tokens.filter((token) => token.expiresAt > now()));

  return {
    async issue(purpose, holder, ttlMs, address) {
      live();
      const token = randomBytes(32).toString('base64url');
      const same = (stored: StoredToken) => stored.purpose === purpose && stored.userId === holder.userId;
      const older = tokens.filter(same);
      const dropped = new Set(older.slice(0, Math.max(0, older.length - MAX_PER_HOLDER + 1)));
      tokens = tokens.filter((stored) => !dropped.has(stored)).slice(-(MAX_TOKENS - 1));
      tokens.push({ hash: hashOf(token), purpose, ...holder, issuedAt: now(), expiresAt: now() + ttlMs });
      log.note(purpose, holder.userId, address); // before any wait: a second mail job checking now sees it
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
      const { userId, accountIdentity, passwordStamp } = found;
      return { userId, accountIdentity, ...(passwordStamp === undefined ? {} : { passwordStamp }) };
    },
    mailedRecently: log.recently,
    async forget(userId, ...purposes) {
      const before = tokens.length;
      tokens = tokens.filter((stored) => !purposes.includes(stored.purpose) || stored.userId !== userId);
      if (tokens.length !== before) await save();
    },
    async clear() {
      if (tokens.length === 0 && mailed.size === 0) return; // nothing to forget: no file written (a state folder stays as it was)
      tokens = [];
      mailed.clear();
      await save();
    },
  };
}
