import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { toJsonText } from '../files/atomic';
import { withFileLock } from '../files/file-lock';
import { GroupCommitFile } from '../files/group-commit';
import { readJsonFile } from '../files/json-file';
import { ensureStateDir } from '../state/state-dir';
import { checkSessionsFile, isActive, isRefreshable, newSession, type Session, type SessionLifetimes } from './session';
import { DEFAULT_REUSE_INTERVAL_MS, judgePresented, rotateSession, type Presented, type RefreshLookup, type Rotation } from './rotation';
import { RecentSuccessors } from './successors';
import {
  bindIdentity,
  ENDED_BECAUSE,
  IdentityMoves,
  markEnded,
  orphanedBy,
  rebindSessions,
  selectedBy,
  type IdentityOf,
  type SessionSelection,
} from './ending';
import { SessionIndex } from './session-index';

export type { Session } from './session';
export type { Presented, RefreshLookup, Rotation } from './rotation';
export type { IdentityOf } from './ending';

/** How a session starts, besides whose it is (SessionStore.start). */
export interface SessionStart {
  /** --single-session: the user's earlier sessions end in the same step. */
  endOthers?: boolean;
  userAgent?: string;
  /** The OpenID client it is issued to, when the provider's token endpoint starts it. */
  clientId?: string;
  /** The lifetime its login asked for its access tokens (--allow-client-ttl), kept with it for its refreshes. */
  accessTtlSeconds?: number;
}

export interface SessionStoreOptions extends SessionLifetimes {
  file: string;
  now: () => number;
}

/**
 * Sessions and revocations, in memory (session-index.ts) for constant-time checks on every request, and saved
 * atomically to the state folder after every change, before the response: a logout survives a restart. The rules
 * (rotation, reuse, endings, pruning) are in their own modules; this class reads, merges, orders and saves.
 */
export class SessionStore {
  private readonly index = new SessionIndex();
  private readonly file: GroupCommitFile;

  private reading: Promise<void> | undefined;
  private nextRead: Promise<void> | undefined;

  /** The accounts' identities, once endOrphans was given them: binds sessions of older files as they are read. */
  private identityOf: IdentityOf | undefined;
  /** Identities this store has moved sessions from (an email change): a session read later follows. */
  private readonly moves = new IdentityMoves();
  /** The latest successor of each session, in clear for the reuse interval only (successors.ts). */
  private readonly successors = new RecentSuccessors();
  private reuseIntervalMs = DEFAULT_REUSE_INTERVAL_MS;
  private readonly userEndListeners: Array<(userId: string) => void> = [];

  /** `lockHeld`: the caller holds the file's lock for the store's whole life (the `token` command). */
  private constructor(
    private readonly options: SessionStoreOptions,
    lockHeld = false,
  ) {
    const text = () => toJsonText(this.index.content());
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
      return (await store.start(userId, accountIdentity, { userAgent: 'fake-jwt-api token' })).session;
    });
  }

  /** Adds what another process (`fake-jwt-api token`) wrote to the file: sessions and revocations not held yet. */
  private async mergeFile(): Promise<void> {
    const { file } = this.options;
    const fail = (message: string) => new ConfigError('ERR_STATE_FILE', `${message}; delete the file to end every session`);
    const content = await readJsonFile(file, fail, () => ({ sessions: [], revokedTokens: [] }));
    this.index.merge(checkSessionsFile(file, content, fail), (session) => bindIdentity(session, this.identityOf, this.moves));
    this.index.prune(this.options.now(), this.options);
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
    return this.index.get(sessionId) !== undefined;
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
   * Starts a session for a user, from a client that says it is `userAgent`; returns it with its first refresh
   * token (the only time it exists in clear). With `endOthers` (--single-session) the user's earlier sessions end
   * in the same step, so parallel logins leave exactly one alive.
   */
  async start(
    userId: string,
    accountIdentity: string,
    { endOthers = false, userAgent, clientId, accessTtlSeconds }: SessionStart = {},
  ): Promise<{ session: Session; refreshToken: string }> {
    const refreshToken = newRefreshToken();
    const now = this.options.now();
    const refreshHash = hashRefreshToken(refreshToken);
    const session = newSession({ id: randomUUID(), userId, accountIdentity, refreshHash, now, userAgent, clientId, accessTtlSeconds }, this.options);
    if (endOthers) {
      await this.catchUp(); // sessions the `token` command started count too
      this.markEnded((other) => other.userId === userId, ENDED_BECAUSE.newerLogin);
    }
    this.index.add(session);
    await this.save();
    return { session, refreshToken };
  }

  lookupRefreshToken(token: string): RefreshLookup {
    return this.index.lookup(hashRefreshToken(token));
  }

  /**
   * --refresh-reuse-interval, in milliseconds (0: strict). Set when the server is wired, after the store opened: a
   * reload under --watch keeps the store and sets it again.
   */
  setReuseInterval(milliseconds: number): void {
    this.reuseIntervalMs = milliseconds;
  }

  /** What `presented` is worth now, without changing anything. Synchronous, so `rotate` can act in the same step. */
  private judge(presentedHash: string): Presented {
    return judgePresented(this.index.lookup(presentedHash), presentedHash, this.options.now(), this.reuseIntervalMs);
  }

  /**
   * A refresh token presented to name a session (logout, revoke): what it is worth. A `current` one names its
   * session, and so does the one spent last, within the reuse interval (as good as its successor meanwhile); any
   * other spent one is answered as a refresh answers it, by ending its own session (RFC 6819 §5.2.2.3), and never
   * any other.
   */
  async present(presented: string): Promise<Exclude<Presented, { outcome: 'repeated' }>> {
    const judged = this.judge(hashRefreshToken(presented));
    if (judged.outcome === 'reused') await this.endReused(judged.session);
    return judged.outcome === 'repeated' ? { outcome: 'current', session: judged.session } : judged;
  }

  /**
   * Spends `presented` and gives the session a new refresh token, in one synchronous step: of two requests
   * racing with the same token, only the first finds it current. The others, within the reuse interval, get the
   * successor it got (successors.ts); after it, they are a reuse, and end the session.
   */
  async rotate(presented: string, userAgent?: string): Promise<Rotation> {
    const presentedHash = hashRefreshToken(presented);
    const judged = this.judge(presentedHash);
    if (judged.outcome === 'reused') await this.endReused(judged.session);
    if (judged.outcome === 'repeated') return this.repeat(judged.session, presentedHash);
    if (judged.outcome !== 'current') return judged;
    const { session } = judged;
    const refreshToken = newRefreshToken();
    const now = this.options.now();
    this.index.applyRotation(session, rotateSession(session, { refreshHash: hashRefreshToken(refreshToken), now, userAgent }, this.options));
    this.successors.remember(session.id, presentedHash, refreshToken, now, this.reuseIntervalMs);
    await this.save();
    return { outcome: 'rotated', session, refreshToken };
  }

  /**
   * Hands the session's latest successor to no repeat any more: a password change is what a user does after noticing
   * theft, so a thief holding the token spent just before gets nothing, even within the reuse interval.
   */
  closeReuseWindow(sessionId: string): void {
    this.successors.forget(sessionId);
  }

  /** A repeat within the reuse interval: the successor the first presentation got, while this process holds it. */
  private async repeat(session: Session, presentedHash: string): Promise<Rotation> {
    const refreshToken = this.successors.find(session, presentedHash, this.options.now());
    if (refreshToken === undefined) return { outcome: 'raced', session };
    await this.settled(); // the rotation it repeats is on disk before its successor is handed out again
    if (!this.isRefreshable(session)) return { outcome: 'ended', session }; // ended while the disk was written
    this.recordUse(session.id);
    return { outcome: 'rotated', session, refreshToken };
  }

  /**
   * Notes that a session was used now (a request of its access token): in memory only, written with the file's
   * next change, so reads never wait on the disk. A restart may lose the latest uses, never more.
   */
  recordUse(sessionId: string): void {
    const session = this.activeSession(sessionId);
    if (session) session.lastUsedAt = this.options.now();
  }

  /** The sessions of a user that can still carry access tokens, those `fake-jwt-api token` started included. */
  async activeSessionsOf(userId: string): Promise<Session[]> {
    await this.catchUp();
    const now = this.options.now();
    return [...this.index.all()].filter((session) => session.userId === userId && isActive(session, now));
  }

  /** A spent refresh token presented again means two parties hold it: its session ends, and only that one. */
  private async endReused(reused: Session): Promise<void> {
    if (this.markEnded((session) => session.id === reused.id, ENDED_BECAUSE.reuse)) await this.save();
  }

  /** The session by that id while it can still carry access tokens; undefined otherwise. One map lookup. */
  activeSession(sessionId: string): Session | undefined {
    const session = this.index.get(sessionId);
    return isActive(session, this.options.now()) ? session : undefined;
  }

  /** Whether a session can still carry access tokens and refreshes. Constant time: one map lookup. */
  isActive(sessionId: string): boolean {
    return this.activeSession(sessionId) !== undefined;
  }

  isRefreshable(session: Session): boolean {
    return this.isActive(session.id) && isRefreshable(session, this.options.now());
  }

  isRevoked(jti: string): boolean {
    return this.index.isRevoked(jti);
  }

  /** Ends sessions: one, or every session of a user but the one kept. Saves only when something changed. */
  async end(select: SessionSelection, because: string): Promise<void> {
    await this.endWhere(selectedBy(select), because);
    // Sign-ins that are not sessions of this store (the OpenID provider's) end with "every session of a user" too.
    if ('userId' in select) for (const listener of this.userEndListeners) listener(select.userId);
  }

  /**
   * Calls `listener` with the user id whenever every session of a user ends (logout everywhere, a password change,
   * an admin's deletion): the OpenID provider ends that user's provider sessions with them.
   */
  onUserSessionsEnded(listener: (userId: string) => void): void {
    this.userEndListeners.push(listener);
  }

  /** Ends every session (a reset for a test suite). */
  async endAll(because: string): Promise<void> {
    this.successors.clear();
    await this.endWhere(() => true, because);
  }

  /**
   * Ends the active sessions `chosen` picks, those `fake-jwt-api token` added to the file included (read first),
   * and saves when that changed anything.
   */
  private async endWhere(chosen: (session: Session) => boolean, because: string): Promise<void> {
    await this.catchUp();
    if (this.markEnded(chosen, because)) await this.save();
  }

  private markEnded(chosen: (session: Session) => boolean, because: string): boolean {
    return markEnded(this.index.all(), chosen, because, this.options.now());
  }

  /**
   * Ends the sessions whose account is gone: deleted, by hand or while the server was down, or replaced by
   * another account with its id, or its email edited by hand. Sessions of files older than the identities are
   * bound first to the account that has their user id now; `identityOf` binds those read later too.
   */
  async endOrphans(identityOf: IdentityOf): Promise<void> {
    this.identityOf = identityOf;
    let bound = false;
    for (const session of this.index.all()) bound = bindIdentity(session, identityOf, this.moves) || bound;
    await this.catchUp();
    const ended = this.markEnded(orphanedBy(identityOf), ENDED_BECAUSE.orphan);
    if (bound || ended) await this.save();
  }

  /**
   * Moves the sessions of one account to its new identity, after a change of email through the API: they stay
   * its sessions. In memory at once (the caller runs it in the same step as the account changes); then saved.
   */
  async rebind(from: string, to: string): Promise<void> {
    if (from === to) return;
    const changed = rebindSessions(this.index.all(), from, to);
    this.moves.record(from, to);
    if (changed) await this.save();
  }

  /** Revokes one access token until it would have expired (RFC 7009). */
  async revokeAccessToken(jti: string, exp: number): Promise<void> {
    this.index.revoke({ jti, exp });
    await this.save();
  }

  /** Resolves once every change so far is on disk. */
  settled(): Promise<void> {
    return this.file.settled();
  }

  /** Resolves once this change is on disk; logins at the same moment share one write (group commit). */
  private save(): Promise<void> {
    const now = this.options.now();
    this.successors.forgetStale(now, (sessionId) => !isActive(this.index.get(sessionId), now));
    this.index.prune(now, this.options);
    return this.file.commit();
  }
}
