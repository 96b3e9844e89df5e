import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { newSession } from './session';
import { RecentSuccessors } from './successors';

const lifetimes = { sessionTtlSeconds: 100, refreshTtlSeconds: 10, accessTtlSeconds: 5 };

function rotatedTo(token: string) {
  return newSession({ id: 's', userId: '1', accountIdentity: 'i', refreshHash: hashRefreshToken(token), now: 0 }, lifetimes);
}

describe('RecentSuccessors', () => {
  const successors = new RecentSuccessors();
  afterEach(() => successors.clear());

  it('gives the successor to a repeat of the token it replaced, within the interval only', () => {
    const next = newRefreshToken();
    const session = rotatedTo(next);
    successors.remember('s', 'spent', next, 1000, 10_000);
    expect(successors.find(session, 'spent', 1000)).toBe(next);
    expect(successors.find(session, 'spent', 10_999)).toBe(next);
    expect(successors.find(session, 'spent', 11_000)).toBeUndefined();
    expect(successors.find(session, 'older', 1000)).toBeUndefined();
  });

  it('keeps nothing with an interval of 0, and nothing once the successor is no longer current', () => {
    const next = newRefreshToken();
    successors.remember('s', 'spent', next, 0, 0);
    expect(successors.find(rotatedTo(next), 'spent', 0)).toBeUndefined();
    successors.remember('s', 'spent', next, 0, 10_000);
    expect(successors.find(rotatedTo(newRefreshToken()), 'spent', 0)).toBeUndefined();
  });

  it('forgets those past their interval or of sessions that ended', () => {
    const next = newRefreshToken();
    successors.remember('s', 'spent', next, 0, 10_000);
    successors.forgetStale(1, () => true);
    expect(successors.find(rotatedTo(next), 'spent', 1)).toBeUndefined();
    successors.remember('s', 'spent', next, 0, 10_000);
    successors.forgetStale(10_000, () => false);
    expect(successors.find(rotatedTo(next), 'spent', 1)).toBeUndefined();
  });

  it('forgets on its own, by a timer, when the interval is over in real time', async () => {
    const next = newRefreshToken();
    successors.remember('s', 'spent', next, 0, 20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(successors.find(rotatedTo(next), 'spent', 1)).toBeUndefined();
  });
});
