import { checkSessionsFile, isActive, isRefreshable, newSession } from './session';

const fail = (message: string) => new Error(message);
const lifetimes = { sessionTtlSeconds: 100, refreshTtlSeconds: 10, accessTtlSeconds: 5 };

describe('checkSessionsFile', () => {
  const good = newSession({ id: 's', userId: '1', accountIdentity: 'i', refreshHash: 'r', now: 0 }, lifetimes);

  it('believes a well-formed file, and skips a malformed revocation alone', () => {
    const content = { sessions: [good], revokedTokens: [{ jti: 'j', exp: 1 }, { jti: 2 }, null] };
    expect(checkSessionsFile('sessions.json', content, fail)).toEqual({ sessions: [good], revokedTokens: [{ jti: 'j', exp: 1 }] });
  });

  it('refuses a file of another shape, or with a session that is not one, saying where', () => {
    expect(() => checkSessionsFile('sessions.json', [], fail)).toThrow('sessions.json: expected { "sessions": [], "revokedTokens": [] }');
    expect(() => checkSessionsFile('sessions.json', { sessions: [good, { id: 's2' }], revokedTokens: [] }, fail)).toThrow(
      'sessions.json: sessions[1] is not a session',
    );
  });
});

describe('a session lifetime', () => {
  it('gives the first refresh token its own lifetime, within the session', () => {
    expect(newSession({ id: 's', userId: '1', accountIdentity: 'i', refreshHash: 'r', now: 0 }, lifetimes)).toMatchObject({
      expiresAt: 100_000,
      refreshExpiresAt: 10_000,
      spent: [],
    });
    expect(
      newSession({ id: 's', userId: '1', accountIdentity: 'i', refreshHash: 'r', now: 0 }, { ...lifetimes, refreshTtlSeconds: 1000 }).refreshExpiresAt,
    ).toBe(100_000);
  });

  it('is active until it ends or expires, and refreshable while its refresh token lives too', () => {
    const session = newSession({ id: 's', userId: '1', accountIdentity: 'i', refreshHash: 'r', now: 0 }, lifetimes);
    expect(isRefreshable(session, 9_999)).toBe(true);
    expect(isRefreshable(session, 10_000)).toBe(false);
    expect(isActive(session, 99_999)).toBe(true);
    expect(isActive(session, 100_000)).toBe(false);
    expect(isActive({ ...session, endedAt: 1 }, 2)).toBe(false);
    expect(isActive(undefined, 0)).toBe(false);
  });
});
