import { isActive, isRefreshable, refreshExpiry, type Session, type SessionLifetimes } from './session';

/** Spent tokens remembered per session for reuse detection; older ones are forgotten, then simply unknown. */
export const MAX_SPENT_KEPT = 200;
/** Two tabs refreshing at once present the same token: the second, this soon after the first, is no theft. */
export const PARALLEL_REFRESH_GRACE_MS = 5_000;

/** What the store knows of a refresh token: nothing, or the session that holds it now or has spent it. */
export type RefreshLookup = { state: 'unknown' } | { state: 'spent'; session: Session } | { state: 'current'; session: Session };

/** What a refresh token presented for a refresh or a logout is worth; only `current` names a session to act on. */
export type Presented =
  { outcome: 'unknown' } | { outcome: 'reused' | 'raced' | 'expired' | 'ended'; session: Session } | { outcome: 'current'; session: Session };

export type Rotation =
  | { outcome: 'unknown' }
  | { outcome: 'reused' | 'raced' | 'expired' | 'ended'; session: Session }
  | { outcome: 'rotated'; session: Session; refreshToken: string };

/**
 * What a presented refresh token (hashed: `presentedHash`) is worth at `now`, given what the store found for it.
 * A spent one is a reuse, ending its session (RFC 6819 §5.2.2.3), unless it is the one spent last, a moment ago:
 * a parallel refresh, refused without ending anything (a thief racing the victim gets nothing either).
 */
export function judgePresented(found: RefreshLookup, presentedHash: string, now: number): Presented {
  if (found.state === 'unknown') return { outcome: 'unknown' };
  const { session } = found;
  if (found.state === 'spent') {
    const justSpent = session.spent[session.spent.length - 1] === presentedHash;
    const raced = justSpent && session.rotatedAt !== undefined && now - session.rotatedAt < PARALLEL_REFRESH_GRACE_MS;
    return { outcome: raced ? 'raced' : 'reused', session };
  }
  if (!isRefreshable(session, now)) return { outcome: isActive(session, now) ? 'expired' : 'ended', session };
  return { outcome: 'current', session };
}

/** A session's fields after a refresh, and the spent hashes it no longer remembers. */
export interface RotatedSession {
  changes: Pick<Session, 'spent' | 'refreshHash' | 'refreshExpiresAt' | 'rotatedAt'>;
  forgotten: string[];
}

/**
 * The session after spending its current refresh token for one hashed `nextRefreshHash`, at `now`. The spent
 * list keeps the newest MAX_SPENT_KEPT, so a session refreshing every few seconds for a month stays small.
 */
export function rotateSession(session: Session, nextRefreshHash: string, now: number, lifetimes: Pick<SessionLifetimes, 'refreshTtlSeconds'>): RotatedSession {
  const spent = [...session.spent, session.refreshHash];
  const forgotten = spent.splice(0, Math.max(0, spent.length - MAX_SPENT_KEPT));
  return {
    changes: { spent, refreshHash: nextRefreshHash, refreshExpiresAt: refreshExpiry(now, session.expiresAt, lifetimes), rotatedAt: now },
    forgotten,
  };
}
