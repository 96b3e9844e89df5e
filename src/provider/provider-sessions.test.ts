import { accountIdentity, type Account } from '../accounts/accounts-file';
import { makeProviderSessions } from './provider-sessions';

const ALICE: Account = { id: 2, email: 'alice@example.com', password: 'hash' };

describe('provider sessions', () => {
  it('remember who signed in and when, by a random cookie value', () => {
    const sessions = makeProviderSessions(() => 1_700_000_000_500);
    const cookie = sessions.start(ALICE);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = expect.stringMatching(/^[\w-]{43}$/);
    expect(sessions.find(cookie)).toEqual({ id, accountId: '2', accountIdentity: accountIdentity(ALICE), authTime: 1_700_000_000 });
    expect(sessions.find(cookie)!.id).not.toBe(cookie); // a hash: codes never hold the cookie
    expect(sessions.start(ALICE)).not.toBe(cookie);
  });

  it('end with the app sessions their codes started, and tell which sign-ins ended; an ended one starts none', () => {
    const ended: string[] = [];
    const sessions = makeProviderSessions(() => 0, (id) => ended.push(id));
    const cookie = sessions.start(ALICE);
    const other = sessions.start(ALICE);
    const { id } = sessions.find(cookie)!;
    expect(sessions.started(id, 's1')).toBe(true);
    expect(sessions.started(id, 's2')).toBe(true);
    expect(sessions.started(sessions.find(other)!.id, 's3')).toBe(true);
    expect(sessions.end(cookie)).toEqual(['s1', 's2']);
    expect(ended).toEqual([id]);
    expect(sessions.started(id, 's4')).toBe(false);
    expect(sessions.end(cookie)).toEqual([]);
    sessions.endAllOf('2');
    expect(ended).toHaveLength(2);
  });

  it('know no other value, and forget an ended or cleared one', () => {
    const sessions = makeProviderSessions(() => 0);
    const first = sessions.start(ALICE);
    const second = sessions.start(ALICE);
    expect(sessions.find(undefined)).toBeUndefined();
    expect(sessions.find(first.slice(1))).toBeUndefined();
    sessions.end(first);
    expect(sessions.find(first)).toBeUndefined();
    expect(sessions.find(second)).toBeDefined();
    sessions.clear();
    expect(sessions.find(second)).toBeUndefined();
  });
});
