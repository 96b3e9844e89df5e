import { isRevocationForgettable, isSessionForgettable } from './pruning';
import type { RefreshLookup, RotatedSession } from './rotation';
import type { RevokedToken, Session, SessionLifetimes, SessionsFile } from './session';

/**
 * The sessions and revocations in memory, indexed for the checks every request makes: a session by id, a
 * refresh token by its hash, an access token's revocation by jti — each one map lookup.
 */
export class SessionIndex {
  private readonly sessions = new Map<string, Session>();
  private readonly byRefreshHash = new Map<string, { session: Session; spent: boolean }>();
  private readonly revokedTokens = new Map<string, number>();

  get(sessionId: string): Session | undefined {
    return this.sessions.get(sessionId);
  }

  all(): IterableIterator<Session> {
    return this.sessions.values();
  }

  add(session: Session): void {
    this.sessions.set(session.id, session);
    this.byRefreshHash.set(session.refreshHash, { session, spent: false });
    for (const hash of session.spent) this.byRefreshHash.set(hash, { session, spent: true });
  }

  lookup(refreshHash: string): RefreshLookup {
    const entry = this.byRefreshHash.get(refreshHash);
    if (!entry) return { state: 'unknown' };
    return { state: entry.spent ? 'spent' : 'current', session: entry.session };
  }

  /** Applies a refresh (rotation.ts) to the session in place: whoever holds the session sees the new token. */
  applyRotation(session: Session, { changes, forgotten }: RotatedSession): void {
    this.byRefreshHash.set(session.refreshHash, { session, spent: true });
    for (const hash of forgotten) this.byRefreshHash.delete(hash);
    Object.assign(session, changes);
    this.byRefreshHash.set(session.refreshHash, { session, spent: false });
  }

  revoke({ jti, exp }: RevokedToken): void {
    this.revokedTokens.set(jti, exp);
  }

  isRevoked(jti: string): boolean {
    return this.revokedTokens.has(jti);
  }

  /**
   * Adds what another process wrote: the sessions and revocations not held yet. What is held wins: this process
   * is the only one that changes a session once made.
   */
  merge(file: SessionsFile, bind: (session: Session) => void): void {
    for (const session of file.sessions) {
      if (this.sessions.has(session.id)) continue;
      bind(session);
      this.add(session);
    }
    for (const token of file.revokedTokens) if (!this.revokedTokens.has(token.jti)) this.revoke(token);
  }

  /** Forgets what can no longer matter (pruning.ts), so the state does not grow without end. */
  prune(now: number, lifetimes: Pick<SessionLifetimes, 'accessTtlSeconds'>): void {
    for (const session of [...this.sessions.values()]) {
      if (!isSessionForgettable(session, now, lifetimes)) continue;
      this.sessions.delete(session.id);
      this.byRefreshHash.delete(session.refreshHash);
      for (const hash of session.spent) this.byRefreshHash.delete(hash);
    }
    for (const [jti, exp] of this.revokedTokens) if (isRevocationForgettable(exp, now)) this.revokedTokens.delete(jti);
  }

  content(): SessionsFile {
    return { sessions: [...this.sessions.values()], revokedTokens: [...this.revokedTokens].map(([jti, exp]) => ({ jti, exp })) };
  }
}
