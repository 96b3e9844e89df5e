import { accountIdentity, type Account } from '../accounts/accounts-file';
import { makeProviderSessions } from './provider-sessions';

const ALICE: Account = { id: 2, email: 'alice@example.com', password: 'hash' };

describe('provider sessions', () => {
  it('remember who signed in and when, by a random cookie value', () => {
    const sessions = makeProviderSessions(() => 1_700_000_000_500);
    const cookie = sessions.start(ALICE);
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.find(cookie)).toEqual({ accountId: '2', accountIdentity: accountIdentity(ALICE), authTime: 1_700_000_000 });
    expect(sessions.start(ALICE)).not.toBe(cookie);
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
