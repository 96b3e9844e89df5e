import { bindIdentity, IdentityMoves, markEnded, orphanedBy, rebindSessions, selectedBy } from './ending';
import type { Session } from './session';

function session(id: string, userId: string, accountIdentity?: string): Session {
  return { id, userId, accountIdentity, createdAt: 0, expiresAt: 100, refreshHash: `r-${id}`, refreshExpiresAt: 50, spent: [] };
}

describe('selectedBy', () => {
  it('picks one session, or all of a user but the one kept', () => {
    const sessions = [session('a', '1'), session('b', '1'), session('c', '2')];
    expect(sessions.filter(selectedBy({ sessionId: 'b' })).map(({ id }) => id)).toEqual(['b']);
    expect(sessions.filter(selectedBy({ userId: '1', except: 'a' })).map(({ id }) => id)).toEqual(['b']);
    expect(sessions.filter(selectedBy({ userId: '1' })).map(({ id }) => id)).toEqual(['a', 'b']);
  });
});

describe('markEnded', () => {
  it('ends the chosen sessions once, keeping the first reason', () => {
    const sessions = [session('a', '1'), session('b', '2')];
    expect(markEnded(sessions, selectedBy({ userId: '1' }), 'logout', 7)).toBe(true);
    expect(sessions[0]).toMatchObject({ endedAt: 7, endedBecause: 'logout' });
    expect(sessions[1].endedAt).toBeUndefined();
    expect(markEnded(sessions, selectedBy({ userId: '1' }), 'again', 8)).toBe(false);
    expect(sessions[0]).toMatchObject({ endedAt: 7, endedBecause: 'logout' });
  });
});

describe('orphanedBy', () => {
  const identityOf = (userId: string) => ({ '1': 'alice' })[userId];
  it('finds sessions without an identity, of a deleted account, or of another account with the id', () => {
    const orphaned = orphanedBy(identityOf);
    expect(orphaned(session('a', '1', 'alice'))).toBe(false);
    expect(orphaned(session('b', '1', 'bob'))).toBe(true);
    expect(orphaned(session('c', '2', 'carol'))).toBe(true);
    expect(orphaned(session('d', '1'))).toBe(true);
  });
});

describe('identities', () => {
  it('moves the sessions of an identity, and a session read later follows every move', () => {
    const moves = new IdentityMoves();
    const held = [session('a', '1', 'old')];
    expect(rebindSessions(held, 'old', 'mid')).toBe(true);
    moves.record('old', 'mid');
    moves.record('mid', 'new');
    expect(held[0].accountIdentity).toBe('mid');
    const readLater = session('b', '1', 'old');
    expect(bindIdentity(readLater, undefined, moves)).toBe(true);
    expect(readLater.accountIdentity).toBe('new');
    expect(moves.follow('new')).toBe('new');
  });

  it('binds a session of an older file to the account that has its user id, once identities are known', () => {
    const moves = new IdentityMoves();
    const older = session('a', '1');
    expect(bindIdentity(older, undefined, moves)).toBe(false);
    expect(bindIdentity(older, () => 'alice', moves)).toBe(true);
    expect(older.accountIdentity).toBe('alice');
  });
});
