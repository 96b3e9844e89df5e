import { attackDb, useAttackServers, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, medium: a rule for some records protects them on every way to reach them — the item, the list, any
// query, a nested route, an embed and an expand — since lists are made of the records each caller may read.
let server: AttackServer;
beforeAll(async () => {
  server = await startAttackServer(
    {
      routes: {
        '/posts': { read: 'public', write: 'authenticated' },
        '/posts/1': { read: 'admin' },
        '/comments': { '*': 'public' },
        '/secrets/:id': { read: 'admin', write: 'nobody' },
      },
    },
    {
      ...attackDb(),
      comments: [
        { id: 1, body: 'on the admin post', postId: 1 },
        { id: 2, body: 'on post 2', postId: 2 },
      ],
      secrets: [{ id: 1, code: '4321', postId: 2 }],
    },
  );
});

const ids = (body: Array<{ id: unknown }>) => body.map((record) => record.id);

describe('"/posts/1": { "read": "admin" }', () => {
  it.each([
    ['/posts/1', 401],
    ['/POSTS/1/', 401],
  ])('the item %s is refused', async (url, status) => {
    await server.as('anonymous', 'GET', url).expect(status);
    await server.as('bob', 'GET', url).expect(403);
  });

  it.each(['/posts', '/posts?id=1', '/posts?title_like=admin', '/posts?q=admin', '/posts?_sort=id&_limit=1', '/posts?id_like=1'])(
    'the list %s leaves post 1 out for others; an admin sees it',
    async (url) => {
      expect(ids((await server.as('bob', 'GET', url).expect(200)).body)).not.toContain(1);
      expect(ids((await server.as('anonymous', 'GET', url).expect(200)).body)).not.toContain(1);
      expect(ids((await server.as('admin', 'GET', url).expect(200)).body)).toContain(1);
    },
  );

  it('a nested list leaves it out too', async () => {
    expect(ids((await server.as('bob', 'GET', '/users/1/posts').expect(200)).body)).toEqual([]);
    expect(ids((await server.as('admin', 'GET', '/users/1/posts').expect(200)).body)).toEqual([1]);
  });

  it('counts only what the caller may read', async () => {
    expect((await server.as('bob', 'GET', '/posts?_page=1&_limit=10').expect(200)).headers['x-total-count']).toBe('2');
    expect((await server.as('admin', 'GET', '/posts?_page=1&_limit=10').expect(200)).headers['x-total-count']).toBe('3');
  });

  it('an expand or embed does not reach it either', async () => {
    expect((await server.as('bob', 'GET', '/comments/1?_expand=post').expect(200)).body.post).toBeUndefined();
    expect((await server.as('bob', 'GET', '/comments?_expand=post').expect(200)).body.map((comment: { post?: unknown }) => comment.post === undefined)).toEqual(
      [true, false],
    );
    expect((await server.as('admin', 'GET', '/comments/1?_expand=post').expect(200)).body.post.id).toBe(1);
    expect(ids((await server.as('bob', 'GET', '/users/1?_embed=posts').expect(200)).body.posts)).toEqual([]);
  });

  it('reading its nested comments needs the right to read it', async () => {
    await server.as('bob', 'GET', '/posts/1/comments').expect(403);
    await server.as('admin', 'GET', '/posts/1/comments').expect(200);
  });
});

describe('an item rule on an id that URLs encode', () => {
  it.each([
    ['a b', 'a%20b'],
    ['x@y.com', 'x%40y.com'],
    ['café', 'caf%C3%A9'],
    ['a+b', 'a%2Bb'],
  ])('"/tags/%s" protects it', async (id, encoded) => {
    const tags = await startAttackServer(
      { routes: { '/tags': { '*': 'public' }, [`/tags/${id}`]: { read: 'admin' } } },
      {
        tags: [
          { id, name: 'private' },
          { id: 'open', name: 'public' },
        ],
      },
    );
    await tags.as('bob', 'GET', `/tags/${encoded}`).expect(403);
    await tags.as('bob', 'GET', `/tags/${id === 'x@y.com' ? id : encoded}`).expect(403);
    expect(ids((await tags.as('bob', 'GET', '/tags').expect(200)).body)).toEqual(['open']);
    expect(ids((await tags.as('admin', 'GET', '/tags').expect(200)).body)).toEqual([id, 'open']);
  });
});

describe('"/secrets/:id" covers the list too', () => {
  it('lists, queries, embeds and writes are refused or empty for others', async () => {
    await server.as('bob', 'GET', '/secrets').expect(403);
    await server.as('bob', 'GET', '/secrets?code=4321').expect(403);
    await server.as('bob', 'POST', '/secrets', { code: 'x' }).expect(403);
    expect((await server.as('bob', 'GET', '/posts/2?_embed=secrets').expect(200)).body.secrets).toBeUndefined();
    expect(ids((await server.as('admin', 'GET', '/secrets').expect(200)).body)).toEqual([1]);
  });
});
