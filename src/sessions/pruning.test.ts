import { isRevocationForgettable, isSessionForgettable } from './pruning';
import type { Session } from './session';

const lifetimes = { accessTtlSeconds: 60 };
const session = (changes: Partial<Session>): Session => ({
  id: 's',
  userId: '1',
  createdAt: 0,
  expiresAt: 100_000,
  refreshHash: 'r',
  refreshExpiresAt: 50_000,
  spent: [],
  ...changes,
});

describe('isSessionForgettable', () => {
  it('keeps an ended session while an access token of it may still be alive, and a second more', () => {
    const ended = session({ endedAt: 10_000 });
    expect(isSessionForgettable(ended, 10_000 + 60_000 + 1000, lifetimes)).toBe(false);
    expect(isSessionForgettable(ended, 10_000 + 60_000 + 1001, lifetimes)).toBe(true);
  });

  it('counts from the expiry of a session that was never ended', () => {
    expect(isSessionForgettable(session({}), 100_000 + 61_000, lifetimes)).toBe(false);
    expect(isSessionForgettable(session({}), 100_000 + 61_001, lifetimes)).toBe(true);
  });
});

describe('isRevocationForgettable', () => {
  it('keeps a revocation until a second after the token expired (exp in seconds)', () => {
    expect(isRevocationForgettable(100, 101_000)).toBe(false);
    expect(isRevocationForgettable(100, 101_001)).toBe(true);
  });
});
