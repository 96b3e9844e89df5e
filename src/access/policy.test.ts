import type { Request } from 'express';
import { describeApi } from './describe';
import { makeOwnerField } from './owner';
import { makeAccessPolicy } from './policy';
import { compileRules } from './rules/match';
import { parseRoutes } from './rules/parse';

const DATA = { posts: [{ id: 1, userId: 2 }], users: [{ id: 2 }], profile: {} };
const RESOURCES = [
  { name: 'posts', kind: 'collection' as const },
  { name: 'users', kind: 'collection' as const },
  { name: 'profile', kind: 'singular' as const },
];

function policyFor(options: { readOnly?: boolean; accountsCollection?: boolean; routes?: Record<string, unknown> } = {}) {
  const rules = compileRules(parseRoutes('routes.json', options.routes ?? {}).rules, ['posts', 'users']);
  const policy = makeAccessPolicy({
    rules,
    defaultAccess: 'authenticated',
    readOnly: options.readOnly ?? false,
    accountsCollection: options.accountsCollection ?? true,
    ownership: { data: () => DATA, idField: 'id', ownerField: makeOwnerField('id', 'Id'), accountId: (id) => id },
  });
  return { rules, policy };
}

const caller = (role?: string) => ({ auth: role === undefined ? undefined : { sub: '2', role } }) as unknown as Request;
const writeOf = (described: ReturnType<typeof describeApi>, name: string) => described.resources.find((resource) => resource.name === name)?.write;

describe('the access policy', () => {
  it('bans writes to the accounts collection, and only there', () => {
    const { policy } = policyFor();
    expect(policy.writeBan('users')?.who).toBe('registration only (POST /users); accounts change through /auth');
    expect(policy.writeBan('posts')).toBeUndefined();
    expect(policyFor({ accountsCollection: false }).policy.writeBan('users')).toBeUndefined();
  });

  it('bans every write with --read-only, whatever the rules say', () => {
    const { policy } = policyFor({ readOnly: true, routes: { '/posts': { '*': 'public' } } });
    for (const name of ['posts', 'profile']) expect(policy.writeBan(name)?.who).toBe('nobody (--read-only)');
    // POST /users is registration, an /auth route that --read-only leaves on: the description says so.
    expect(policy.writeBan('users')).toEqual({
      who: 'registration only (POST /users); accounts change through /auth',
      message: expect.stringMatching(/--read-only/),
    });
    expect(policyFor({ readOnly: true, accountsCollection: false }).policy.writeBan('users')?.who).toBe('nobody (--read-only)');
  });

  it('takes the rule, or the default access, for who may do what', () => {
    const { policy } = policyFor({ routes: { '/posts': { read: 'public', write: 'owner' } } });
    expect(policy.whoMay('GET', '/posts')).toEqual([{ kind: 'public' }]);
    expect(policy.whoMay('DELETE', '/posts')).toEqual([{ kind: 'owner' }]);
    expect(policy.whoMay('GET', '/profile')).toEqual([{ kind: 'authenticated' }]);
    expect(policy.verdict(caller(), 'GET', '/posts')).toEqual({ pass: 'full' });
    expect(policy.verdict(caller('user'), 'DELETE', '/posts/1')).toEqual({ pass: 'owner', callerId: '2' });
    expect(policy.verdict(caller(), 'GET', '/profile')).toMatchObject({ pass: 'none', reason: 'token' });
  });

  it('is what the description shows: the bans, the rules, and /db for admins', () => {
    for (const readOnly of [false, true]) {
      const { policy, rules } = policyFor({ readOnly, routes: { '/posts': { read: 'public', write: 'owner' } } });
      const described = describeApi({ resources: RESOURCES, accounts: [], rewrites: {}, policy, rules });
      for (const { name } of RESOURCES) {
        const ban = policy.writeBan(name);
        if (ban) expect(writeOf(described, name)).toBe(ban.who);
      }
      expect(writeOf(described, 'posts')).toBe(readOnly ? 'nobody (--read-only)' : 'owner');
      expect(described.resources.find(({ name }) => name === 'db')).toEqual({ name: 'db', kind: 'singular', read: 'admin', write: 'nobody' });
    }
  });
});
