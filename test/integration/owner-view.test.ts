import { useAttackServers, attackDb, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, item 2: json-server only ever sees the records the caller may read, so no caller-supplied filter,
// search, sort, slice, embed or expand runs on another owner's record (and its timing cannot tell anything).
let server: AttackServer;
beforeEach(async () => {
  server = await startAttackServer();
});

const ids = (body: Array<{ id: unknown }>) => body.map((record) => record.id);

describe("a caller's predicates never meet another owner's records", () => {
  it("a filter on a field only other owners' records have answers as if they did not exist", async () => {
    // json-server drops a plain filter on a field no record it sees has. Were Alice's notes visible to it, Bob's
    // answer would change with whether Alice has the field: an oracle. With the view it never does.
    const withoutField = (await server.as('bob', 'GET', '/notes?launchCode=4321').expect(200)).body;
    await server.as('alice', 'PATCH', '/notes/1', { launchCode: '4321' }).expect(200);
    const withField = (await server.as('bob', 'GET', '/notes?launchCode=4321').expect(200)).body;
    expect(withField).toEqual(withoutField);
    expect(ids(withField)).toEqual([3]);
  });

  it.each([
    ['q=launch', []],
    ['text_like=launch', []],
    ['text_like=note', [3]],
    ['text_ne=x', [3]],
    ['id_gte=1', [3]],
    ['_sort=text&_order=desc', [3]],
    ['_start=0&_end=10', [3]],
    ['userId=2', []],
    ['userId_ne=3', []],
  ])('GET /notes?%s shows Bob only his own', async (query, expected) => {
    const response = await server.as('bob', 'GET', `/notes?${query}`).expect(200);
    expect(ids(response.body)).toEqual(expected);
  });

  it("paging counts only the caller's records", async () => {
    const response = await server.as('alice', 'GET', '/notes?_page=1&_limit=1').expect(200);
    expect(response.headers['x-total-count']).toBe('2');
    expect(ids(response.body)).toEqual([1]);
    expect(response.headers.link).not.toContain('page=3');
  });

  it('a guard (600) filters the same way, and rewrites and nested routes reach the same view', async () => {
    expect(ids((await server.as('bob', 'GET', '/diaries?text_like=alice').expect(200)).body)).toEqual([]);
    expect(ids((await server.as('bob', 'GET', '/api/notes?q=secret').expect(200)).body)).toEqual([]);
    expect(ids((await server.as('bob', 'GET', '/users/2/notes').expect(200)).body)).toEqual([]);
    expect(ids((await server.as('alice', 'GET', '/users/2/notes').expect(200)).body)).toEqual([1, 2]);
  });

  it('embeds and expands show only records the caller may read', async () => {
    await server.as('bob', 'PATCH', '/notes/3', { postId: 3 }).expect(200);
    await server.as('alice', 'PATCH', '/notes/1', { postId: 3 }).expect(200);
    const post = (await server.as('bob', 'GET', '/posts/3?_embed=notes').expect(200)).body;
    expect(ids(post.notes)).toEqual([3]);
    const list = (await server.as('bob', 'GET', '/posts?_embed=notes&id=3').expect(200)).body;
    expect(ids(list[0].notes)).toEqual([3]);
    const anonymous = (await server.as('anonymous', 'GET', '/posts/3?_embed=notes').expect(200)).body;
    expect(anonymous.notes).toBeUndefined();
    // Bob reading his own note cannot expand into anything he may not read either.
    const expanded = (await server.as('bob', 'GET', '/notes/3?_expand=post&_expand=user').expect(200)).body;
    expect(expanded.post.id).toBe(3);
  });

  it('an item of someone else is a 403, whatever the query', async () => {
    await server.as('bob', 'GET', '/notes/1').expect(403);
    await server.as('bob', 'GET', '/notes/1?_embed=comments').expect(403);
    await server.as('bob', 'GET', '/api/notes/1').expect(403);
  });
});

describe('accounts in the users resource', () => {
  it("show other users' profiles without their email; the caller's own and an admin's view keep it", async () => {
    const seenByBob = (await server.as('bob', 'GET', '/users').expect(200)).body as Array<Record<string, unknown>>;
    expect(seenByBob.find((user) => user.id === 2)).toEqual({ id: 2, name: 'Alice' });
    expect(seenByBob.find((user) => user.id === 3)?.email).toBe('bob@example.com');
    expect((await server.as('bob', 'GET', '/users/2').expect(200)).body.email).toBeUndefined();
    expect((await server.as('admin', 'GET', '/users/2').expect(200)).body.email).toBe('alice@example.com');
    expect((await server.as('bob', 'GET', '/posts/2?_expand=user').expect(200)).body.user.email).toBeUndefined();
    expect((await server.as('bob', 'GET', '/users?email_like=alice').expect(200)).body).toEqual([]);
    expect((await server.as('bob', 'GET', '/users?q=alice%40').expect(200)).body).toEqual([]);
  });

  it('--public-emails shows them to every caller, as json-server-auth did', async () => {
    const open = await startAttackServer({ publicEmails: true }, attackDb());
    expect((await open.as('bob', 'GET', '/users/2').expect(200)).body.email).toBe('alice@example.com');
  });
});

it('repeated _embed and _expand names cost what one does', async () => {
  const many = await startAttackServer(
    {},
    {
      posts: Array.from({ length: 1000 }, (_, index) => ({ id: index + 1, title: `post ${index}`, userId: 1 })),
      comments: Array.from({ length: 1000 }, (_, index) => ({ id: index + 1, body: 'c', postId: index + 1 })),
    },
  );
  const started = Date.now();
  const response = await many.as('anonymous', 'GET', `/posts?${Array.from({ length: 400 }, () => '_embed=comments').join('&')}&_limit=2`).expect(200);
  expect(response.body[0].comments).toHaveLength(1);
  await many.as('anonymous', 'GET', `/comments?${Array.from({ length: 400 }, () => '_expand=post').join('&')}&_limit=2`).expect(200);
  expect(Date.now() - started).toBeLessThan(1500);
});
