import { rotateSession } from './rotation';
import { newSession } from './session';
import { SessionIndex } from './session-index';

const lifetimes = { sessionTtlSeconds: 100, refreshTtlSeconds: 10, accessTtlSeconds: 5 };
const started = (id: string, now = 0) => newSession({ id, userId: '1', accountIdentity: 'i', refreshHash: `r-${id}`, now }, lifetimes);

describe('SessionIndex', () => {
  it('finds a refresh token by its hash: current, then spent once rotated, then unknown once forgotten', () => {
    const index = new SessionIndex();
    const session = started('a');
    index.add(session);
    expect(index.lookup('r-a')).toEqual({ state: 'current', session });
    index.applyRotation(session, rotateSession(session, { refreshHash: 'r-a2', now: 1 }, lifetimes));
    expect(index.lookup('r-a')).toEqual({ state: 'spent', session });
    expect(index.lookup('r-a2')).toEqual({ state: 'current', session });
    index.applyRotation(session, {
      changes: { ...rotateSession(session, { refreshHash: 'r-a3', now: 2 }, lifetimes).changes, spent: ['r-a2'] },
      forgotten: ['r-a'],
    });
    expect(index.lookup('r-a')).toEqual({ state: 'unknown' });
  });

  it('merges only what it does not hold: its own copy of a session wins', () => {
    const index = new SessionIndex();
    const held = { ...started('a'), endedAt: 1 };
    index.add(held);
    const bound: string[] = [];
    index.merge({ sessions: [started('a'), started('b')], revokedTokens: [{ jti: 'j', exp: 1 }] }, (session) => bound.push(session.id));
    expect(bound).toEqual(['b']);
    expect(index.get('a')).toBe(held);
    expect(index.isRevoked('j')).toBe(true);
  });

  it('prunes the sessions and revocations that can no longer matter, with their refresh hashes', () => {
    const index = new SessionIndex();
    index.add(started('old'));
    index.add(started('new', 200_000));
    index.revoke({ jti: 'gone', exp: 10 });
    index.revoke({ jti: 'kept', exp: 1000 });
    index.prune(200_000, lifetimes);
    expect(index.content().sessions.map(({ id }) => id)).toEqual(['new']);
    expect(index.lookup('r-old')).toEqual({ state: 'unknown' });
    expect(index.content().revokedTokens).toEqual([{ jti: 'kept', exp: 1000 }]);
  });
});
