import { useAttackServers, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, item 4: a record with a numeric `length` is an object like any other; every change costs what its
// real keys cost (lodash's collection helpers would take it for an array of `length` items).
let server: AttackServer;
beforeAll(async () => {
  server = await startAttackServer();
});

const quick = async <T>(work: () => Promise<T>): Promise<T> => {
  const started = Date.now();
  const result = await work();
  expect(Date.now() - started).toBeLessThan(1000);
  return result;
};

describe.each([100_000_000, Number.MAX_SAFE_INTEGER, 3, 0])('a record with "length": %d', (length) => {
  let id: number;
  it('is created, listed, found, searched, sorted and embedded at once', async () => {
    id = (await quick(() => server.as('alice', 'POST', '/posts', { title: 'song', length }).expect(201))).body.id;
    await quick(() => server.as('alice', 'GET', '/posts').expect(200));
    expect((await quick(() => server.as('alice', 'GET', `/posts/${id}`).expect(200))).body).toEqual({ title: 'song', length, userId: 2, id });
    await quick(() => server.as('alice', 'GET', '/posts?q=song&_sort=length&_embed=comments&_expand=user').expect(200));
    await quick(() => server.as('alice', 'GET', `/posts?length=${length}&title_like=song`).expect(200));
  });

  it('is replaced by a PUT, field for field', async () => {
    const replaced = (await quick(() => server.as('alice', 'PUT', `/posts/${id}`, { title: 'replaced', length: 7 }).expect(200))).body;
    expect(replaced).toEqual({ title: 'replaced', length: 7, userId: 2, id });
    const back = (await quick(() => server.as('alice', 'PUT', `/posts/${id}`, { title: 'again', length }).expect(200))).body;
    expect(back).toEqual({ title: 'again', length, userId: 2, id });
  });

  it('is patched, and a PATCH may bring a length', async () => {
    const patched = (await quick(() => server.as('alice', 'PATCH', `/posts/${id}`, { length: 9_007_199_254_740_991, extra: true }).expect(200))).body;
    expect(patched).toEqual({ title: 'again', length: 9_007_199_254_740_991, extra: true, userId: 2, id });
    expect((server.project.json('db.json') as { posts: Array<{ id: number; extra?: boolean }> }).posts.find((post) => post.id === id)?.extra).toBe(true);
  });

  it('is deleted, with its cascade', async () => {
    await quick(() => server.as('alice', 'DELETE', `/posts/${id}`).expect(200));
    await server.as('alice', 'GET', `/posts/${id}`).expect(404);
  });
});

it('a singular resource and a comment with a length are changed quickly too', async () => {
  await quick(() => server.as('alice', 'POST', '/comments', { body: 'c', postId: 2, length: Number.MAX_SAFE_INTEGER }).expect(201));
  await quick(() => server.as('alice', 'GET', '/posts/2?_embed=comments').expect(200));
});
