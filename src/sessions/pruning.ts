import type { Session, SessionLifetimes } from './session';

/** A second of slack for clocks: a token is refused until a second after its `exp`, never forgotten early. */
const CLOCK_SLACK_MS = 1000;

/**
 * Whether a session can no longer matter at `now`: it is past its end (ended, or expired), and no access token of
 * it can still be alive. Until then it is kept, so those tokens stay refused.
 */
export function isSessionForgettable(session: Session, now: number, lifetimes: Pick<SessionLifetimes, 'accessTtlSeconds'>): boolean {
  const over = Math.min(session.endedAt ?? Infinity, session.expiresAt);
  return over + lifetimes.accessTtlSeconds * 1000 + CLOCK_SLACK_MS < now;
}

/** Whether a revoked access token (`exp` in seconds, RFC 7519) has expired anyway: its revocation can go. */
export function isRevocationForgettable(exp: number, now: number): boolean {
  return exp * 1000 + CLOCK_SLACK_MS < now;
}
