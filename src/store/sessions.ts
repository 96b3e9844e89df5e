import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../errors';
import { hashRefreshToken, newRefreshToken } from '../auth/refresh-token';
import { GroupCommitFile } from './group-commit';
import { readJsonFile } from './json-file';

/** One login: its current refresh token (as a hash), the ones it has spent, and when it ends. */
export interface Session {
  id: string;
  userId: string;
  createdAt: number;
  /** The session's absolute end: no refresh carries it further. */
  expiresAt: number;
  refreshHash: string;
  refreshExpiresAt: number;
  /** Hashes of the refresh tokens this session has spent: presenting one again is a theft signal. */
  spent: string[];
  /** When it was ended (logout, reuse, password change...); its access tokens die with it. */
  endedAt?: number;
  endedBecause?: string;
}

interface SessionsFile {
  sessions: Session[];
  /** Access tokens revoked one by one (RFC 7009), by jti, kept until they would have expired anyway. */
  revokedTokens: Array<{ jti: string; exp: number }>;
}

export type RefreshLookup =
  | { state: 'unknown' }
  | { state: 'spent'; session: Session }
  | { state: 'current'; session: Session };

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

  private constructor(private readonly options: SessionStoreOptions) {
    this.file = new GroupCommitFile(options.file, () => this.content(), { mode: 0o600 });
  }

  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const store = new SessionStore(options);
    const fail = (message: string) => new ConfigError(`${message}; delete the file to end every session`);
    const content = (await readJsonFile(options.file, fail, () => ({ sessions: [], revokedTokens: [] }))) as Partial<SessionsFile>;
    if (!Array.isArray(content.sessions) || !Array.isArray(content.revokedTokens)) throw fail(`${options.file}: expected { "sessions": [], "revokedTokens": [] }`);
    for (const session of content.sessions) store.index(session);
    for (const { jti, exp } of content.revokedTokens) store.revokedTokens.set(jti, exp);
    store.prune();
    await mkdir(path.dirname(options.file), { recursive: true, mode: 0o700 });
    return store;
  }

  /** Starts a session for a user; returns it with its first refresh token (the only time it exists in clear). */
  async start(userId: string): Promise<{ session: Session; refreshToken: string }> {
    const now = this.options.now();
    const refreshToken = newRefreshToken();
    const session: Session = {
      id: randomUUID(),
      userId,
      createdAt: now,
      expiresAt: now + this.options.sessionTtlSeconds * 1000,
      refreshHash: hashRefreshToken(refreshToken),
      refreshExpiresAt: this.refreshExpiry(now, now + this.options.sessionTtlSeconds * 1000),
      spent: [],
    };
    this.index(session);
    await this.save();
    return { session, refreshToken };
  }

  lookupRefreshToken(token: string): RefreshLookup {
    const entry = this.byRefreshHash.get(hashRefreshToken(token));
    if (!entry) return { state: 'unknown' };
    return entry.spent ? { state: 'spent', session: entry.session } : { state: 'current', session: entry.session };
  }

  /** Spends the session's refresh token and gives it a new one. */
  async rotate(session: Session): Promise<string> {
    const now = this.options.now();
    const refreshToken = newRefreshToken();
    this.byRefreshHash.set(session.refreshHash, { session, spent: true });
    session.spent.push(session.refreshHash);
    session.refreshHash = hashRefreshToken(refreshToken);
    session.refreshExpiresAt = this.refreshExpiry(now, session.expiresAt);
    this.byRefreshHash.set(session.refreshHash, { session, spent: false });
    await this.save();
    return refreshToken;
  }

  /** Whether a session can still carry access tokens and refreshes. Constant time: one map lookup. */
  isActive(sessionId: string): boolean {
    const session = this.sessions.get(sessionId);
    return session !== undefined && session.endedAt === undefined && session.expiresAt > this.options.now();
  }

  isRefreshable(session: Session): boolean {
    return this.isActive(session.id) && session.refreshExpiresAt > this.options.now();
  }

  find(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  isRevoked(jti: string): boolean {
    return this.revokedTokens.has(jti);
  }

  /** Ends sessions: one, or every session of a user but those kept. */
  async end(select: { sessionId: string } | { userId: string; except?: string }, because: string): Promise<void> {
    const now = this.options.now();
    for (const session of this.sessions.values()) {
      const chosen = 'sessionId' in select ? session.id === select.sessionId : session.userId === select.userId && session.id !== select.except;
      if (chosen && session.endedAt === undefined) {
        session.endedAt = now;
        session.endedBecause = because;
      }
    }
    await this.save();
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
