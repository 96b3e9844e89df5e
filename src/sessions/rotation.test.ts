import { DEFAULT_REUSE_INTERVAL_MS, judgePresented, MAX_SPENT_KEPT, rotateSession } from './rotation';
import { newSession, USER_AGENT_MAX_LENGTH, type Session } from './session';

const lifetimes = { sessionTtlSeconds: 3600, refreshTtlSeconds: 600, accessTtlSeconds: 60 };
const T0 = 1_000_000;
const INTERVAL = DEFAULT_REUSE_INTERVAL_MS;

function session(changes: Partial<Session> = {}): Session {
  return { ...newSession({ id: 's1', userId: '1', accountIdentity: 'i1', refreshHash: 'current', now: T0 }, lifetimes), ...changes };
}

describe('judgePresented', () => {
  it('knows nothing of a token it never saw', () => {
    expect(judgePresented({ state: 'unknown' }, 'x', T0, INTERVAL)).toEqual({ outcome: 'unknown' });
  });

  it('takes a current token of a live session as current', () => {
    const live = session();
    expect(judgePresented({ state: 'current', session: live }, 'current', T0 + 1000, INTERVAL)).toEqual({ outcome: 'current', session: live });
  });

  it('calls a current token expired once its own lifetime is over, while the session lives', () => {
    const live = session();
    expect(judgePresented({ state: 'current', session: live }, 'current', T0 + 600_000, INTERVAL).outcome).toBe('expired');
  });

  it('calls a current token ended once its session ended or expired', () => {
    expect(judgePresented({ state: 'current', session: session({ endedAt: T0 }) }, 'current', T0 + 1, INTERVAL).outcome).toBe('ended');
    expect(judgePresented({ state: 'current', session: session() }, 'current', T0 + 3_600_000, INTERVAL).outcome).toBe('ended');
  });

  it('calls the token spent last, presented again within the reuse interval, a repeat', () => {
    const rotated = session({ spent: ['old', 'last'], rotatedAt: T0 });
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0, INTERVAL).outcome).toBe('repeated');
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0 + INTERVAL - 1, INTERVAL).outcome).toBe('repeated');
  });

  it('calls a spent token a reuse: an older one even within the interval, the last one after it, any with 0', () => {
    const rotated = session({ spent: ['old', 'last'], rotatedAt: T0 });
    expect(judgePresented({ state: 'spent', session: rotated }, 'old', T0 + 1, INTERVAL).outcome).toBe('reused');
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0 + INTERVAL, INTERVAL).outcome).toBe('reused');
    expect(judgePresented({ state: 'spent', session: rotated }, 'last', T0, 0).outcome).toBe('reused');
  });

  it('never calls a repeat of an ended session anything but ended', () => {
    const over = session({ spent: ['last'], rotatedAt: T0, endedAt: T0 + 1 });
    expect(judgePresented({ state: 'spent', session: over }, 'last', T0 + 2, INTERVAL).outcome).toBe('ended');
  });
});

describe('rotateSession', () => {
  it('spends the current token and gives the new one a lifetime that never passes the session end', () => {
    const { changes, forgotten } = rotateSession(session(), { refreshHash: 'next', now: T0 + 3_500_000 }, lifetimes);
    expect(changes).toEqual({
      spent: ['current'],
      refreshHash: 'next',
      refreshExpiresAt: T0 + 3_600_000,
      rotatedAt: T0 + 3_500_000,
      lastUsedAt: T0 + 3_500_000,
    });
    expect(forgotten).toEqual([]);
  });

  it('records the user agent of the refresh, cut short, and keeps the login one when none came', () => {
    const withAgent = session({ userAgent: 'login agent' });
    expect(rotateSession(withAgent, { refreshHash: 'n', now: T0 }, lifetimes).changes.userAgent).toBeUndefined();
    const long = 'x'.repeat(USER_AGENT_MAX_LENGTH + 50);
    expect(rotateSession(withAgent, { refreshHash: 'n', now: T0, userAgent: long }, lifetimes).changes.userAgent).toHaveLength(USER_AGENT_MAX_LENGTH);
  });

  it('leaves the session as it was: the store applies the change', () => {
    const before = session();
    rotateSession(before, { refreshHash: 'next', now: T0 }, lifetimes);
    expect(before.refreshHash).toBe('current');
    expect(before.spent).toEqual([]);
  });

  it(`remembers only the newest ${MAX_SPENT_KEPT} spent tokens, and names those it forgets`, () => {
    const spent = Array.from({ length: MAX_SPENT_KEPT }, (_, index) => `h${index}`);
    const { changes, forgotten } = rotateSession(session({ spent }), { refreshHash: 'next', now: T0 }, lifetimes);
    expect(forgotten).toEqual(['h0']);
    expect(changes.spent).toHaveLength(MAX_SPENT_KEPT);
    expect(changes.spent.at(-1)).toBe('current');
  });
});
