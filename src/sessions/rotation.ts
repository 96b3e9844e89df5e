import { isActive, isRefreshable, keptUserAgent, refreshExpiry, type Session, type SessionLifetimes } from './session';

/** Spent tokens remembered per session for reuse detection; older ones are forgotten, then simply unknown. */
export const MAX_SPENT_KEPT = 200;
/** --refresh-reuse-interval's default, as Supabase's: two tabs refreshing at once are seconds apart at most. */
export const DEFAULT_REUSE_INTERVAL_MS = 10_000;

/** What the store knows of a refresh token: nothing, or the session that holds it now or has spent it. */
export type RefreshLookup = { state: 'unknown' } | { state: 'spent'; session: Session } | { state: 'current'; session: Session };

/**
 * What a refresh token presented for a refresh or a logout is worth. `current` and `repeated` (the token spent
 * last, again within the reuse interval: as good as its successor) name a session to act on.
 */
export type Presented =
  | { outcome: 'unknown' }
  | { outcome: 'reused' | 'expired' | 'ended'; session: Session }
  | { outcome: 'current'; session: Session }
  | { outcome: 'repeated'; session: Session };

/**
 * What a refresh gave: a new refresh token (`rotated`), or, for a repeat within the reuse interval, the same
 * successor the first presentation got (`rotated` too: the caller answers both alike). `raced` is a repeat within
 * the interval whose successor this process no longer holds (it restarted): refused, and the session lives.
 */
export type Rotation =
  | { outcome: 'unknown' }
  | { outcome: 'reused' | 'raced' | 'expired' | 'ended'; session: Session }
  | { outcome: 'rotated'; session: Session; refreshToken: string };

/**
 * What a presented refresh token (hashed: `presentedHash`) is worth at `now`, given what the store found for it.
 * A spent one is a reuse, ending its session (RFC 6819 §5.2.2.3), unless it is the one spent last, less than
 * `reuseIntervalMs` ago: two tabs refreshing at once (Auth0's reuse interval). An older spent token is a reuse
 * even inside the interval: only the last rotation can have a twin in flight.
 */
export function judgePresented(found: RefreshLookup, presentedHash: string, now: number, reuseIntervalMs: number): Presented {
  if (found.state === 'unknown') return { outcome: 'unknown' };
  const { session } = found;
  if (found.state === 'spent' && !isRepeatWithin(session, presentedHash, now, reuseIntervalMs)) return { outcome: 'reused', session };
  if (!isRefreshable(session, now)) return { outcome: isActive(session, now) ? 'expired' : 'ended', session };
  return found.state === 'spent' ? { outcome: 'repeated', session } : { outcome: 'current', session };
}

/** Whether `presentedHash` is the token the session spent last, presented again less than `reuseIntervalMs` after. */
export function isRepeatWithin(session: Session, presentedHash: string, now: number, reuseIntervalMs: number): boolean {
  const justSpent = session.spent[session.spent.length - 1] === presentedHash;
  return justSpent && session.rotatedAt !== undefined && now - session.rotatedAt < reuseIntervalMs;
}

/** A session's fields after a refresh, and the spent hashes it no longer remembers. */
export interface RotatedSession {
  changes: Pick<Session, 'spent' | 'refreshHash' | 'refreshExpiresAt' | 'rotatedAt' | 'lastUsedAt'> & Pick<Partial<Session>, 'userAgent'>;
  forgotten: string[];
}

/**
 * The session after spending its current refresh token for one hashed `nextRefreshHash`, at `now`, by a client
 * that says it is `userAgent` (kept from the login when it says nothing). The spent list keeps the newest
 * MAX_SPENT_KEPT, so a session refreshing every few seconds for a month stays small.
 */
export function rotateSession(
  session: Session,
  next: { refreshHash: string; now: number; userAgent?: string },
  lifetimes: Pick<SessionLifetimes, 'refreshTtlSeconds'>,
): RotatedSession {
  const { refreshHash, now } = next;
  const spent = [...session.spent, session.refreshHash];
  const forgotten = spent.splice(0, Math.max(0, spent.length - MAX_SPENT_KEPT));
  const userAgent = keptUserAgent(next.userAgent);
  return {
    changes: {
      spent,
      refreshHash,
      refreshExpiresAt: refreshExpiry(now, session.expiresAt, lifetimes),
      rotatedAt: now,
      lastUsedAt: now,
      ...(userAgent === undefined ? {} : { userAgent }),
    },
    forgotten,
  };
}
