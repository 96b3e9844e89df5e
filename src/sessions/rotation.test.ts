import { judgePresented, MAX_SPENT_KEPT, PARALLEL_REFRESH_GRACE_MS, rotateSession } from './rotation';
import { newSession, type Session } from './session';

const lifetimes = { sessionTtlSeconds: 3600, refreshTtlSeconds: 600, accessTtlSeconds: 60 };
const T0 = 1_000_000;

function session(changes: Partial<Session> = {}): Session {
  return { ...newSession({ id: 's1', userId: '1', accountIdentity: 'i1', refreshHash: 'current', now: T0 }, lifetimes), ...changes };
}

describe('judgePresented', () => {
  it('knows nothing of a token it never saw', () => {
    expect(judgePresented({ state: 'unknown' }, 'x', T0)).toEqual({ outcome: 'unknown' });
  });

  it('takes a current token of a live session as current', () => {
    const live = session();
    expect(judgePresented({ state: 'current', session: live }, 'current', T0 + 1000)).toEqual({ outcome: 'current', session: live });
  });

  it('calls a current token expired once its own lifetime is over, while the session lives', () => {
    const live = session();
    expect(judgePresented({ state: 'current', session: live }, 'current', T0 + 600_000).outcome).toBe('expired');
  });

  it('calls a current token ended once its session ended or expired', () => {
    expect(judgePresented({ state: 'current', session: session({ endedAt: T0 }) }, 'current', T0 + 1).outcome).toBe('ended');
    expect(judgePresented({ state: 'current', session: session() }, 'current', T0 + 3_600_000).outcome).toBe('ended');
  });

  it('calls the token spent last, presented again within the grace, a parallel refresh', () => {
    const rotated = session({ spent: ['old', 'last'], rotatedAt: T0 });
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0 + PARALLEL_REFRESH_GRACE_MS - 1).outcome).toBe('raced');
  });

  it('calls a spent token a reuse: an older one, or the last one after the grace', () => {
    const rotated = session({ spent: ['old', 'last'], rotatedAt: T0 });
    expect(judgePresented({ state: 'spent', session: rotated }, 'old', T0 + 1).outcome).toBe('reused');
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0 + PARALLEL_REFRESH_GRACE_MS).outcome).toBe('reused');
  });
});

describe('rotateSession', () => {
  it('spends the current token and gives the new one a lifetime that never passes the session end', () => {
    const { changes, forgotten } = rotateSession(session(), 'next', T0 + 3_500_000, lifetimes);
    expect(changes).toEqual({ spent: ['current'], refreshHash: 'next', refreshExpiresAt: T0 + 3_600_000, rotatedAt: T0 + 3_500_000 });
    expect(forgotten).toEqual([]);
  });

  it('leaves the session as it was: the store applies the change', () => {
    const before = session();
    rotateSession(before, 'next', T0, lifetimes);
    expect(before.refreshHash).toBe('current');
    expect(before.spent).toEqual([]);
  });

  it(`remembers only the newest ${MAX_SPENT_KEPT} spent tokens, and names those it forgets`, () => {
    const spent = Array.from({ length: MAX_SPENT_KEPT }, (_, index) => `h${index}`);
    const { changes, forgotten } = rotateSession(session({ spent }), 'next', T0, lifetimes);
    expect(forgotten).toEqual(['h0']);
    expect(changes.spent).toHaveLength(MAX_SPENT_KEPT);
    expect(changes.spent.at(-1)).toBe('current');
  });
});
