import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { toJsonText } from '../files/atomic';
import { withFileLock } from '../files/file-lock';
import { GroupCommitFile } from '../files/group-commit';
import { readJsonFile } from '../files/json-file';
import { ensureStateDir } from '../state/state-dir';

/** One login: its current refresh token (as a hash), the ones it has spent, and when it ends. */
export interface Session {
  id: string;
  userId: string;
  /**
   * Who logged in: the account's identity (accounts-file.ts, its id and email hashed). The session is that
   * account's only while the account with `userId` has this identity: not once the id is another account's.
   * Absent in files written before it existed, until bound at load to the account that has the id then.
   */
  accountIdentity?: string;
  createdAt: number;
  /** The session's absolute end: no refresh carries it further. */
  expiresAt: number;
  refreshHash: string;
  refreshExpiresAt: number;
  /** Hashes of the refresh tokens this session has spent: presenting one again is a theft signal. */
  spent: string[];
  /** When the last refresh spent a token: a parallel refresh presenting that same token just after is no theft. */
  rotatedAt?: number;
  /** When it was ended (logout, reuse, password change...); its access tokens die with it. */
  endedAt?: number;
  endedBecause?: string;
}

interface SessionsFile {
  sessions: Session[];
  /** Access tokens revoked one by one (RFC 7009), by jti, kept until they would have expired anyway. */
  revokedTokens: Array<{ jti: string; exp: number }>;
}

const MAX_SPENT_KEPT = 200;
const PARALLEL_REFRESH_GRACE_MS = 5_000;

/** The fields every session needs; a hand-edited or foreign file is checked before any of it is believed. */
function isSession(value: unknown): value is Session {
  if (value === null || typeof value !== 'object') return false;
  const session = value as Record<string, unknown>;
  return (
    typeof session.id === 'string' &&
    typeof session.userId === 'string' &&
    typeof session.refreshHash === 'string' &&
    (session.accountIdentity === undefined || typeof session.accountIdentity === 'string') &&
    ['createdAt', 'expiresAt', 'refreshExpiresAt'].every((field) => typeof session[field] === 'number') &&
    Array.isArray(session.spent) &&
    session.spent.every((hash) => typeof hash === 'string') &&
    (session.endedAt === undefined || typeof session.endedAt === 'number')
  );
}

export type Rotation =
  | { outcome: 'unknown' }
  | { outcome: 'reused' | 'raced' | 'expired' | 'ended'; session: Session }
  | { outcome: 'rotated'; session: Session; refreshToken: string };

export type RefreshLookup =
  | { state: 'unknown' }
  | { state: 'spent'; session: Session }
  | { state: 'current'; session: Session };

/** What a refresh token presented for a refresh or a logout is worth; only `current` names a session to act on. */
export type Presented =
  | { outcome: 'unknown' }
  | { outcome: 'reused' | 'raced' | 'expired' | 'ended'; session: Session }
  | { outcome: 'current'; session: Session };

/** The identity of the account that has this user id now; undefined when there is none. */
export type IdentityOf = (userId: string) => string | undefined;

export interface SessionStoreOptions {
  file: string;
  now: () => number;
  refreshTtlSeconds: number;
  sessionTtlSeconds: number;
  /** How long an access token lives: an ended session is kept that long, so its tokens stay refused. */
  accessTtlSeconds: number;
}

/**
 * Sessions and revocations, in memory with indexes for constant-time checks on every request, and saved
 * atomically to the state folder after every change, before the response: a logout survives a restart.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly byRefreshHash = new Map<string, { session: Session; spent: boolean }>();
  private readonly revokedTokens = new Map<string, number>();
  private readonly file: GroupCommitFile;

  private reading: Promise<void> | undefined;
  private nextRead: Promise<void> | undefined;

  /** The accounts' identities, once endOrphans was given them: binds sessions of older files as they are read. */
  private identityOf: IdentityOf | undefined;
  /** Identities this store has moved sessions from (an email change), to where: a session read later follows. */
  private readonly rebound = new Map<string, string>();

  /** `lockHeld`: the caller holds the file's lock for the store's whole life (the `token` command). */
  private constructor(
    private readonly options: SessionStoreOptions,
    lockHeld = false,
  ) {
    const text = () => toJsonText(this.content());
    this.file = new GroupCommitFile(options.file, text, lockHeld ? { mode: 0o600 } : { mode: 0o600, mergeOutsideChange: () => this.mergeOutsideChange() });
  }

  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const store = new SessionStore(options);
    await store.file.adoptCurrentFile();
    await store.mergeFile();
    return store; // reads only: the server creates the state folder once its start is sure
  }

  /**
   * For `fake-jwt-api token`: reads the file, adds a session and writes it back, all under the file's lock, so a
   * running server's changes in between cannot be written over with an older copy. No refresh token leaves.
   */
  static async startInFile(options: SessionStoreOptions, userId: string, accountIdentity: string): Promise<Session> {
    await ensureStateDir(path.dirname(options.file));
    return withFileLock(options.file, async () => {
      const store = new SessionStore(options, true);
      await store.mergeFile();
      return (await store.start(userId, accountIdentity)).session;
    });
  }

  /**
   * Adds what another process (`fake-jwt-api token`) wrote to the file: sessions and revocations this store
   * has not seen. What this store already holds wins: it is the only one that changes a session once made.
   */
  private async mergeFile(): Promise<void> {
    const { file } = this.options;
    const fail = (message: string) => new ConfigError(`${message}; delete the file to end every session`);
    const content = (await readJsonFile(file, fail, () => ({ sessions: [], revokedTokens: [] }))) as Partial<SessionsFile>;
    if (!Array.isArray(content.sessions) || !Array.isArray(content.revokedTokens)) throw fail(`${file}: expected { "sessions": [], "revokedTokens": [] }`);
    content.sessions.forEach((session: unknown, index) => {
      if (!isSession(session)) throw fail(`${file}: sessions[${index}] is not a session`);
      if (this.sessions.has(session.id)) return;
      this.bind(session);
      this.index(session);
    });
    for (const { jti, exp } of content.revokedTokens) if (typeof jti === 'string' && typeof exp === 'number' && !this.revokedTokens.has(jti)) this.revokedTokens.set(jti, exp);
    this.prune();
  }

  /** Merges another process's change; a file broken by hand is logged, and written over by our next save. */
  private async mergeOutsideChange(): Promise<void> {
    try {
      await this.mergeFile();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`fake-jwt-api: ${error.message}; the next save writes the sessions this server holds over it`);
    }
  }

  /** Whether this store holds a session by that id (active or not); an unknown one may be on disk already. */
  knows(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /**
   * Loads the sessions another process added to the file. Resolves after a read that began after the call: a
   * read already running may have begun before the caller's `token` wrote, so callers meanwhile share one more.
   */
  catchUp(): Promise<void> {
    if (!this.reading) {
      this.reading = this.readOutsideChange().finally(() => (this.reading = undefined));
      return this.reading;
    }
    this.nextRead ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextRead = undefined;
        return this.catchUp();
      });
    return this.nextRead;
  }

  private async readOutsideChange(): Promise<void> {
    // The file's version is not adopted here: a save running meanwhile must still see the change, and merge it
    // (again, harmlessly) before it writes, or it would write a file without the new session.
    if (await this.file.changedOutside()) await this.mergeOutsideChange();
  }

  /**
   * Starts a session for a user; returns it with its first refresh token (the only time it exists in clear).
   * With `endOthers` (--single-session) the user's earlier sessions end in the same step, so parallel logins
   * leave exactly one alive.
   */
  async start(userId: string, accountIdentity: string, endOthers = false): Promise<{ session: Session; refreshToken: string }> {
    const now = this.options.now();
    const refreshToken = newRefreshToken();
    const session: Session = {
      id: randomUUID(),
      userId,
      accountIdentity,
      createdAt: now,
      expiresAt: now + this.options.sessionTtlSeconds * 1000,
      refreshHash: hashRefreshToken(refreshToken),
      refreshExpiresAt: this.refreshExpiry(now, now + this.options.sessionTtlSeconds * 1000),
      spent: [],
    };
    if (endOthers) {
      await this.catchUp(); // sessions the `token` command started count too
      this.markEnded((other) => other.userId === userId, 'a newer login (--single-session)');
    }
    this.index(session);
    await this.save();
    return { session, refreshToken };
  }

  lookupRefreshToken(token: string): RefreshLookup {
    const entry = this.byRefreshHash.get(hashRefreshToken(token));
    if (!entry) return { state: 'unknown' };
    return entry.spent ? { state: 'spent', session: entry.session } : { state: 'current', session: entry.session };
  }

  /** What `presented` is worth now, without changing anything. Synchronous, so `rotate` can act in the same step. */
  private judge(presented: string): Presented {
    const found = this.lookupRefreshToken(presented);
    if (found.state === 'unknown') return { outcome: 'unknown' };
    const { session } = found;
    if (found.state === 'spent') {
      // Two tabs refreshing at once present the same token: the second, within a few seconds of the first, is
      // refused without ending the session (it gets nothing; a thief racing the victim gets nothing either).
      const justSpent = session.spent[session.spent.length - 1] === hashRefreshToken(presented);
      const raced = justSpent && session.rotatedAt !== undefined && this.options.now() - session.rotatedAt < PARALLEL_REFRESH_GRACE_MS;
      return { outcome: raced ? 'raced' : 'reused', session };
    }
    if (!this.isRefreshable(session)) return { outcome: this.isActive(session.id) ? 'expired' : 'ended', session };
    return { outcome: 'current', session };
  }

  /**
   * A refresh token presented to name a session (logout, revoke): what it is worth. Only a `current` one names
   * its session; a spent one is answered as a refresh answers it, by ending its own session (RFC 6819 §5.2.2.3),
   * and never any other.
   */
  async present(presented: string): Promise<Presented> {
    const judged = this.judge(presented);
    if (judged.outcome === 'reused') await this.endReused(judged.session);
    return judged;
  }

  /**
   * Spends `presented` and gives the session a new refresh token, in one synchronous step: of two requests
   * racing with the same token, only the first finds it current; the second is a reuse, and ends the session.
   */
  async rotate(presented: string): Promise<Rotation> {
    const judged = this.judge(presented);
    if (judged.outcome === 'reused') await this.endReused(judged.session);
    if (judged.outcome !== 'current') return judged;
    const { session } = judged;
    const now = this.options.now();
    const refreshToken = newRefreshToken();
    this.byRefreshHash.set(session.refreshHash, { session, spent: true });
    session.spent.push(session.refreshHash);
    // Keep the recent spent tokens for reuse detection; older ones are forgotten (then simply unknown), so a
    // session refreshing every few seconds for a month does not grow the state without bound.
    for (const forgotten of session.spent.splice(0, Math.max(0, session.spent.length - MAX_SPENT_KEPT))) this.byRefreshHash.delete(forgotten);
    session.refreshHash = hashRefreshToken(refreshToken);
    session.refreshExpiresAt = this.refreshExpiry(now, session.expiresAt);
    session.rotatedAt = now;
    this.byRefreshHash.set(session.refreshHash, { session, spent: false });
    await this.save();
    return { outcome: 'rotated', session, refreshToken };
  }

  /** A spent refresh token presented again means two parties hold it: its session ends, and only that one. */
  private async endReused(reused: Session): Promise<void> {
    if (this.markEnded((session) => session.id === reused.id, 'a spent refresh token was presented again')) await this.save();
  }

  /** The session by that id while it can still carry access tokens; undefined otherwise. One map lookup. */
  activeSession(sessionId: string): Session | undefined {
    return this.isActive(sessionId) ? this.sessions.get(sessionId) : undefined;
  }

  /** Whether a session can still carry access tokens and refreshes. Constant time: one map lookup. */
  isActive(sessionId: string): boolean {
    const session = this.sessions.get(sessionId);
    return session !== undefined && session.endedAt === undefined && session.expiresAt > this.options.now();
  }

  isRefreshable(session: Session): boolean {
    return this.isActive(session.id) && session.refreshExpiresAt > this.options.now();
  }

  isRevoked(jti: string): boolean {
    return this.revokedTokens.has(jti);
  }

  /** Ends sessions: one, or every session of a user but the one kept. Saves only when something changed. */
  async end(select: { sessionId: string } | { userId: string; except?: string }, because: string): Promise<void> {
    const chosen = (session: Session) =>
      'sessionId' in select ? session.id === select.sessionId : session.userId === select.userId && session.id !== select.except;
    await this.endWhere(chosen, because);
  }

  /**
   * Ends the active sessions `chosen` picks, those `fake-jwt-api token` added to the file included (read first),
   * and saves when that changed anything.
   */
  private async endWhere(chosen: (session: Session) => boolean, because: string): Promise<void> {
    await this.catchUp();
    if (this.markEnded(chosen, because)) await this.save();
  }

  /** Ends, in memory, the active sessions `chosen` picks; true when there was one. */
  private markEnded(chosen: (session: Session) => boolean, because: string): boolean {
    const now = this.options.now();
    let changed = false;
    for (const session of this.sessions.values()) {
      if (session.endedAt !== undefined || !chosen(session)) continue;
      session.endedAt = now;
      session.endedBecause = because;
      changed = true;
    }
    return changed;
  }

  /** Ends every session (a reset for a test suite). */
  async endAll(because: string): Promise<void> {
    await this.endWhere(() => true, because);
  }

  /**
   * Ends the sessions whose account is gone: deleted, by hand or while the server was down, or replaced by
   * another account with its id, or its email edited by hand. Sessions of files older than the identities are
   * bound first to the account that has their user id now; `identityOf` binds those read later too.
   */
  async endOrphans(identityOf: IdentityOf): Promise<void> {
    this.identityOf = identityOf;
    let bound = false;
    for (const session of this.sessions.values()) bound = this.bind(session) || bound;
    await this.catchUp();
    const ended = this.markEnded((session) => session.accountIdentity === undefined || session.accountIdentity !== identityOf(session.userId), 'account deleted or replaced');
    if (bound || ended) await this.save();
  }

  /**
   * Moves the sessions of one account to its new identity, after a change of email through the API: they stay
   * its sessions. In memory at once (the caller runs it in the same step as the account changes); then saved.
   */
  async rebind(from: string, to: string): Promise<void> {
    if (from === to) return;
    let changed = false;
    for (const session of this.sessions.values()) {
      if (session.accountIdentity !== from) continue;
      session.accountIdentity = to;
      changed = true;
    }
    for (const [old, now] of this.rebound) if (now === from) this.rebound.set(old, to);
    this.rebound.set(from, to);
    this.rebound.delete(to);
    if (changed) await this.save();
  }

  /** Gives a session read from a file the identity it belongs to now: an older file's, or one moved by rebind. */
  private bind(session: Session): boolean {
    const before = session.accountIdentity;
    if (before === undefined) session.accountIdentity = this.identityOf?.(session.userId);
    else session.accountIdentity = this.rebound.get(before) ?? before;
    return session.accountIdentity !== before;
  }

  /** Revokes one access token until it would have expired (RFC 7009). */
  async revokeAccessToken(jti: string, exp: number): Promise<void> {
    this.revokedTokens.set(jti, exp);
    await this.save();
  }

  private refreshExpiry(now: number, sessionEnd: number): number {
    return Math.min(now + this.options.refreshTtlSeconds * 1000, sessionEnd);
  }

  private index(session: Session): void {
    this.sessions.set(session.id, session);
    this.byRefreshHash.set(session.refreshHash, { session, spent: false });
    for (const hash of session.spent) this.byRefreshHash.set(hash, { session, spent: true });
  }

  /**
   * Forgets what can no longer matter, so the state does not grow without end: a session once it is past its
   * end and no access token of it can still be alive; a revoked token once it has expired.
   */
  private prune(): void {
    const now = this.options.now();
    const accessTtl = this.options.accessTtlSeconds * 1000;
    for (const session of [...this.sessions.values()]) {
      const over = Math.min(session.endedAt ?? Infinity, session.expiresAt);
      if (over + accessTtl + 1000 >= now) continue;
      this.sessions.delete(session.id);
      this.byRefreshHash.delete(session.refreshHash);
      for (const hash of session.spent) this.byRefreshHash.delete(hash);
    }
    for (const [jti, exp] of this.revokedTokens) if ((exp + 1) * 1000 < now) this.revokedTokens.delete(jti);
  }

  /** Resolves once every change so far is on disk. */
  settled(): Promise<void> {
    return this.file.settled();
  }

  private content(): SessionsFile {
    return { sessions: [...this.sessions.values()], revokedTokens: [...this.revokedTokens].map(([jti, exp]) => ({ jti, exp })) };
  }

  /** Resolves once this change is on disk; logins at the same moment share one write (group commit). */
  private save(): Promise<void> {
    this.prune();
    return this.file.commit();
  }
}
