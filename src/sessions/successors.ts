import { hashRefreshToken } from './refresh-token';
import type { Session } from './session';

const MAX_TIMER_MS = 2 ** 31 - 1;

interface Successor {
  /** The hash of the token whose rotation gave it: only a repeat of that one gets it. */
  spentHash: string;
  token: string;
  until: number;
  forgetter: NodeJS.Timeout;
}

/**
 * The refresh token each session got at its latest rotation, in clear, for the reuse interval only, so that a
 * repeat of the token spent then is answered with this same successor (two tabs refreshing at once both stay
 * signed in). In memory only, never in sessions.json, which keeps hashes alone: a copy of that file still lets no
 * one refresh. Forgotten when the interval is over (a timer, and the clock checked on every read), when the
 * session rotates again or ends, and at a reset; a restart forgets them all (rotation.ts: `raced`).
 */
export class RecentSuccessors {
  private readonly bySession = new Map<string, Successor>();

  /** Keeps `token` for `intervalMs` from `now`, in place of the session's earlier one; nothing when the interval is 0. */
  remember(sessionId: string, spentHash: string, token: string, now: number, intervalMs: number): void {
    this.forget(sessionId);
    if (intervalMs <= 0) return;
    // setTimeout takes at most 2^31-1 ms (~24.8 days) and fires at once beyond it; `until` bounds a longer interval.
    const forgetter = setTimeout(
      () => {
        if (this.bySession.get(sessionId)?.token === token) this.forget(sessionId);
      },
      Math.min(intervalMs, MAX_TIMER_MS),
    );
    forgetter.unref(); // never what keeps a process alive
    this.bySession.set(sessionId, { spentHash, token, until: now + intervalMs, forgetter });
  }

  /**
   * The successor a repeat of `spentHash` gets at `now`: while the interval lasts, and only while it is still the
   * session's current refresh token; undefined otherwise.
   */
  find(session: Session, spentHash: string, now: number): string | undefined {
    const kept = this.bySession.get(session.id);
    if (!kept || kept.spentHash !== spentHash || now >= kept.until || hashRefreshToken(kept.token) !== session.refreshHash) return undefined;
    return kept.token;
  }

  forget(sessionId: string): void {
    clearTimeout(this.bySession.get(sessionId)?.forgetter);
    this.bySession.delete(sessionId);
  }

  /** Forgets those past their interval at `now`, and those of sessions `ended` says are over. */
  forgetStale(now: number, ended: (sessionId: string) => boolean): void {
    for (const [sessionId, kept] of this.bySession) if (now >= kept.until || ended(sessionId)) this.forget(sessionId);
  }

  clear(): void {
    for (const sessionId of [...this.bySession.keys()]) this.forget(sessionId);
  }
}
