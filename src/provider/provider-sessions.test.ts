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

  /** The endings a test can watch: which app sessions were ended, which sign-ins ended. */
  function watched(live: (id: string) => boolean = () => true) {
    const ended: string[] = [];
    const signIns: string[] = [];
    const endings = {
      endAppSessions: async (ids: readonly string[]) => void ended.push(...ids),
      isLive: live,
      signInEnded: (id: string) => void signIns.push(id),
    };
    return { ended, signIns, endings };
  }

  it('end with the app sessions their codes started, and tell which sign-ins ended; an ended one starts none', async () => {
    const { ended, signIns, endings } = watched();
    const sessions = makeProviderSessions(() => 0, endings);
    const cookie = sessions.start(ALICE);
    const other = sessions.start(ALICE);
    const { id } = sessions.find(cookie)!;
    expect(sessions.started(id, 's1')).toBe(true);
    expect(sessions.started(id, 's2')).toBe(true);
    expect(sessions.started(sessions.find(other)!.id, 's3')).toBe(true);
    await sessions.end(cookie);
    expect(ended).toEqual(['s1', 's2']);
    expect(signIns).toEqual([id]);
    expect(sessions.started(id, 's4')).toBe(false);
    await sessions.end(cookie);
    expect(ended).toEqual(['s1', 's2']);
    sessions.endAllOf('2');
    await Promise.resolve();
    expect(ended).toEqual(['s1', 's2', 's3']);
  });

  it('carry the app sessions over to a renewed sign-in (a new cookie value), so its sign-out still ends them', async () => {
    const { ended, endings } = watched();
    const sessions = makeProviderSessions(() => 0, endings);
    const cookie = sessions.start(ALICE);
    sessions.started(sessions.find(cookie)!.id, 's1');
    const renewed = sessions.renew(cookie, ALICE);
    expect(renewed).not.toBe(cookie);
    expect(sessions.find(cookie)).toBeUndefined();
    await sessions.end(renewed);
    expect(ended).toEqual(['s1']);
  });

  it('never forget an app session without ending it: past the cap the ended ones go, then the oldest live one is ended', async () => {
    const dead = new Set(['s0']);
    const { ended, endings } = watched((id) => !dead.has(id));
    const sessions = makeProviderSessions(() => 0, endings);
    const { id } = sessions.find(sessions.start(ALICE))!;
    for (let index = 0; index <= 1000; index += 1) sessions.started(id, `s${index}`);
    expect(ended).toEqual([]); // s0 was dead: dropped, not ended
    sessions.started(id, 's1001');
    await Promise.resolve();
    expect(ended).toEqual(['s1']);
  });

  it('end one account’s own oldest sign-in past 50, as a sign-out would, and leave the others’ alone', async () => {
    const { ended, endings } = watched();
    const sessions = makeProviderSessions(() => 0, endings);
    const bobs = sessions.start({ ...ALICE, id: 3, email: 'bob@example.com' });
    sessions.started(sessions.find(bobs)!.id, 'bob-app');
    const first = sessions.start(ALICE);
    sessions.started(sessions.find(first)!.id, 'alice-app');
    for (let index = 0; index < 49; index += 1) sessions.start(ALICE);
    expect(sessions.find(first)).toBeDefined();
    sessions.start(ALICE);
    await Promise.resolve();
    expect(sessions.find(first)).toBeUndefined();
    expect(ended).toEqual(['alice-app']);
    expect(sessions.find(bobs)).toBeDefined();
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
