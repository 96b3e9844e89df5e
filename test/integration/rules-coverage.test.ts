import { useRuleServers } from '../support';

// alice (id 2) and bob (id 3) are users, admin (id 1) is admin.
const data = () => ({
  admin: [{ id: 1, setting: 'x', userId: 1 }],
  areas: [{ id: 1, name: 'a', userId: 1 }],
  posts: [
    { id: 1, title: 'public post', userId: 2 },
    { id: 2, title: 'secret post', userId: 3 },
  ],
  comments: [{ id: 1, body: 'on the secret post', postId: 2, userId: 2 }],
});
const ROUTES = {
  '/admin/*': { '*': 'admin' },
  '/areas/:id': { '*': 'admin' },
  '/posts': { '*': 'authenticated' },
  '/posts/2': { '*': 'admin' },
  '/comments': { '*': 'authenticated' },
};

const { serve, as } = useRuleServers(data, ROUTES);

describe('a rule over the items of a collection also judges the collection', () => {
  // Every row has its body, if only undefined: jest hands a `done` callback to a test given fewer arguments.
  const rows: Array<[string, string, object | undefined]> = [
    ['GET', '/admin', undefined],
    ['POST', '/admin', { setting: 'y' }],
    ['GET', '/admin/1', undefined],
    ['PATCH', '/admin/1', { setting: 'z' }],
    ['DELETE', '/admin/1', undefined],
    ['GET', '/areas', undefined],
    ['POST', '/areas', { name: 'b' }],
    ['GET', '/areas/1', undefined],
    ['GET', '/ADMIN/', undefined],
    ['GET', '/api/admin', undefined],
    ['GET', '/admin?id=1', undefined],
  ];
  it.each(rows)('%s %s: 401 anonymous, 403 alice', async (method, url, body) => {
    const api = await serve({ '/api/*': '/$1', ...ROUTES });
    await as(api, 'anonymous', method, url, body).expect(401);
    await as(api, 'alice', method, url, body).expect(403);
    expect(api.database.db.getState().admin).toEqual(data().admin);
    expect(api.database.db.getState().areas).toEqual(data().areas);
  });

  it.each(rows.slice(0, 8))('%s %s: the admin passes', async (method, url, body) => {
    const api = await serve();
    const response = await as(api, 'admin', method, url, body);
    expect(response.status).toBeLessThan(300);
  });

  it("the banner's description says what decides /admin", async () => {
    const api = await serve();
    const admin = api.describe().resources.find(({ name }) => name === 'admin');
    expect(admin).toMatchObject({ read: 'admin', write: 'admin', rule: '/admin/*' });
    const posts = api.describe().resources.find(({ name }) => name === 'posts');
    expect(posts).toMatchObject({ read: 'authenticated', itemRules: ['/posts/2'] });
    expect(posts).not.toHaveProperty('rule');
  });
});

describe('an item rule protects the record every way it can be read', () => {
  it.each([
    ['the item', '/posts/2', 403],
    ['a list filtered by id', '/posts?id=2', 200],
    ['a search', '/posts?title_like=secret', 200],
    ['a full-text search', '/posts?q=secret', 200],
    ['the list', '/posts', 200],
  ])('%s: %s', async (_case, url, status) => {
    const api = await serve();
    const response = await as(api, 'alice', 'GET', url).expect(status);
    expect(JSON.stringify(response.body)).not.toContain('secret post');
  });

  it('an expanded parent', async () => {
    const api = await serve();
    const response = await as(api, 'alice', 'GET', '/comments/1?_expand=post').expect(200);
    expect(response.body).not.toHaveProperty('post');
  });

  it('an embed, from the other side', async () => {
    const api = await serve({ ...ROUTES, '/users/:id': { read: 'authenticated' } });
    const response = await as(api, 'alice', 'GET', '/users/3?_embed=posts').expect(200);
    expect(JSON.stringify(response.body)).not.toContain('secret post');
  });

  it('the admin still reads it everywhere', async () => {
    const api = await serve();
    expect((await as(api, 'admin', 'GET', '/posts?id=2').expect(200)).body).toHaveLength(1);
    expect((await as(api, 'admin', 'GET', '/comments/1?_expand=post').expect(200)).body.post).toMatchObject({ id: 2 });
  });
});
