import type { Resource } from '../../json-server/resolve';
import { checkRules, type RulesCheckInput } from './check';
import { parseRoutes } from './parse';
import { editDistance, nearMiss } from './spelling';

const DATA: Record<string, unknown> = {
  posts: [{ id: 1, userId: 1 }],
  orders: [{ id: 1, userId: 2 }],
  drafts: [{ id: 1, title: 'no owner' }],
  people: [{ id: 1 }],
  users: [{ id: 1, email: 'admin@example.com' }],
  profile: { name: 'x' },
};
const RESOURCES: Resource[] = Object.entries(DATA).map(([name, value]) => ({ name, kind: Array.isArray(value) ? 'collection' : 'singular' }));

function check(routes: Record<string, unknown>, overrides: Partial<RulesCheckInput> = {}) {
  return checkRules({
    where: 'routes.json',
    routes: parseRoutes('routes.json', routes),
    resources: RESOURCES,
    roles: ['admin', 'user'],
    data: DATA,
    ownerField: (collection) => (collection === 'users' ? 'id' : 'userId'),
    customRoutes: false,
    ...overrides,
  });
}

describe('spelling', () => {
  it.each([
    ['publc', 'public', 1],
    ['pubilc', 'public', 1],
    ['authenticted', 'authenticated', 1],
    ['order', 'orders', 1],
    ['admin', 'owner', 5],
  ])('%s → %s is %d edits', (a, b, edits) => expect(editDistance(a, b)).toBe(edits));

  it('a near miss: one edit, letter case, singular or plural; never the name itself', () => {
    expect(nearMiss('Orders', ['orders'])).toBeUndefined();
    expect(nearMiss('Order', ['orders'])).toBe('orders');
    expect(nearMiss('person', ['people'])).toBe('people');
    expect(nearMiss('category', ['categories'])).toBe('categories');
    expect(nearMiss('tags', ['posts'])).toBeUndefined();
  });
});

describe('checkRules', () => {
  it("passes the README's example and the starter routes.json with no error", async () => {
    const readme = {
      '/api/*': '/$1',
      comments: 644,
      '/posts': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
      '/profile': { read: 'authenticated', write: 'admin' },
    };
    const data = { ...DATA, comments: [{ id: 1, userId: 1 }] };
    const resources: Resource[] = [...RESOURCES, { name: 'comments', kind: 'collection' }];
    expect(await check(readme, { data, resources })).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['a path one edit from a collection', { '/order': { '*': ['owner', 'admin'] } }, /"\/order": no resource is named order; did you mean "\/orders"\?/],
    ['a path one edit from a collection, with its items', { '/ordres/:id': { read: 'admin' } }, /did you mean "\/orders\/:id"\?/],
    ['a singular for a plural', { '/person': { read: 'admin' } }, /did you mean "\/people"\?/],
    ['a guard one edit away', { post: 644 }, /"post": no resource is named post; did you mean "\/posts"\?/],
    ['a keyword misspelt', { '/posts': { read: 'publc' } }, /"publc" \(for GET\) would be a role name; did you mean "public"\?/],
    ['a keyword in capitals', { '/posts': { read: 'Public' } }, /did you mean "public"\?/],
    ['a keyword one edit away, in a list', { '/posts': { write: ['Owner', 'admin'] } }, /"Owner" \(for POST PUT PATCH DELETE\).*did you mean "owner"\?/],
    ['authenticated misspelt', { '/posts': { read: 'authenticted' } }, /did you mean "authenticated"\?/],
    [
      'a key a rewrite changes',
      { '/api/*': '/$1', '/api/posts': { read: 'admin' } },
      /"\/api\/posts": a rewrite turns \/api\/posts into \/posts .* write "\/posts" instead/,
    ],
    ['a key with a parameter a rewrite changes', { '/blog/*': '/posts/$1', '/blog/:id': { read: 'admin' } }, /write "\/posts\/:id" instead/],
    ['a nested route', { '/posts/:id/orders': { read: 'admin' } }, /rules judge that resource: write the rule for "\/orders"/],
    ['the auth routes', { '/auth/register': { POST: 'admin' } }, /an auth route, answered before any rule/],
    ['a json-server-auth alias', { '/register': { POST: 'admin' } }, /an auth route/],
    ['/db', { '/db': { read: 'authenticated' } }, /admin role only/],
  ])('refuses %s, saying what to write instead', async (_case, routes, message) => {
    const { errors } = await check(routes);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it('a role that an account holds is not a misspelt keyword', async () => {
    expect((await check({ '/posts': { read: 'owners' } }, { roles: ['owners'] })).errors).toEqual([]);
    expect((await check({ '/posts': { read: 'owners' } })).errors).toHaveLength(1);
  });

  it('a case difference in a path is no error: rules match paths in any letter case, as Express does', async () => {
    expect(await check({ '/Posts': { read: 'public' } })).toEqual({ errors: [], warnings: [] });
  });

  it.each([
    ['a path no resource has', { '/hello': { read: 'admin' } }, false, /"\/hello": matches no resource of the db, so it protects nothing/],
    ['a path no resource has, with middlewares', { '/hello': { read: 'admin' } }, true, /only to routes your --middlewares answer/],
    ['a role no account holds', { '/posts': { write: 'editor' } }, false, /no account has the role "editor" yet/],
    ['a role near a held one', { '/posts': { write: 'admn' } }, false, /no account has the role "admn" yet \(did you mean "admin"\?\)/],
    [
      'an owner rule on records without owners',
      { '/drafts': { '*': 'owner' } },
      false,
      /"\/drafts": an owner rule, but no record of drafts has the owner field userId/,
    ],
    ['an owner guard on records without owners', { drafts: 600 }, false, /no record of drafts has the owner field userId/],
  ])('warns of %s', async (_case, routes, customRoutes, message) => {
    const { errors, warnings } = await check(routes, { customRoutes });
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(message);
  });

  it('warns of an owner rule on each collection it decides whose records have no owner', async () => {
    const { warnings } = await check({ '/:resource': { write: 'owner' } });
    expect(warnings).toEqual([expect.stringMatching(/no record of drafts/), expect.stringMatching(/no record of people/)]);
  });

  it('names a missing role once, with every rule that gives it', async () => {
    const { warnings } = await check({ '/posts': { write: 'editor' }, '/orders': { read: 'editor', write: 'admin' } });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^routes\.json: "\/posts", "\/orders": no account has the role "editor" yet; give it with fake-jwt-api users add <email> --role editor/,
      ),
    ]);
  });

  it('no owner warning where the owner field is there: userId, user_id with --fks, the id of users', async () => {
    expect((await check({ '/posts': { '*': 'owner' }, '/users': { read: 'owner' }, posts: 640 } as never)).warnings).toEqual([]);
    const data = { ...DATA, drafts: [{ id: 1, user_id: 1 }] };
    expect((await check({ '/drafts': { '*': 'owner' } }, { data, ownerField: () => 'user_id' })).warnings).toEqual([]);
  });
});
