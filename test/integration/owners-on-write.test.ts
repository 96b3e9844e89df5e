import { useAttackServers, type AttackServer } from '../support/attack-project';

const startAttackServer = useAttackServers();

// Issue 10, lower items: under an owner rule a record cannot be created for, or handed to, someone else; a DELETE
// cascades only to what the caller could delete (the rest stay); an expand of a missing foreign key is no 500.
let server: AttackServer;
beforeEach(async () => {
  server = await startAttackServer();
});

describe('creates and changes keep owners honest (posts: POST authenticated; PUT PATCH DELETE owner or admin)', () => {
  it('a create naming someone else is a 403; without an owner it is stamped with the caller', async () => {
    await server.as('bob', 'POST', '/posts', { title: 'for alice', userId: 2 }).expect(403);
    await server.as('bob', 'POST', '/posts', { title: 'for alice', userId: '2' }).expect(403);
    await server.as('bob', 'POST', '/posts/1/comments', { body: 'as alice', userId: 2 }).expect(403);
    const own = (await server.as('bob', 'POST', '/posts', { title: 'mine' }).expect(201)).body;
    expect(own.userId).toBe(3);
    expect((await server.as('bob', 'POST', '/posts', { title: 'mine too', userId: 3 }).expect(201)).body.userId).toBe(3);
  });

  it('an admin, who may write every record, may name the owner', async () => {
    expect((await server.as('admin', 'POST', '/posts', { title: 'for alice', userId: 2 }).expect(201)).body.userId).toBe(2);
  });

  it('a change cannot hand a record over, and a PUT without the owner keeps it', async () => {
    await server.as('bob', 'PATCH', '/posts/3', { userId: 2 }).expect(403);
    await server.as('bob', 'PUT', '/posts/3', { title: 'x', userId: 2 }).expect(403);
    expect((await server.as('bob', 'PUT', '/posts/3', { title: 'kept' }).expect(200)).body.userId).toBe(3);
    await server.as('bob', 'PATCH', '/posts/2', { title: 'not mine' }).expect(403);
    expect((await server.as('admin', 'PATCH', '/posts/3', { userId: 2 }).expect(200)).body.userId).toBe(2);
  });

  it('an anonymous create into an owner-ruled resource may not name an owner', async () => {
    const open = await startAttackServer({ routes: { '/posts': { '*': 'public', DELETE: 'owner' } } });
    await open.as('anonymous', 'POST', '/posts', { title: 'as alice', userId: 2 }).expect(403);
    expect((await open.as('anonymous', 'POST', '/posts', { title: 'nobody' }).expect(201)).body.userId).toBeUndefined();
  });
});

describe('a DELETE removes only what the caller could delete', () => {
  it("cascades to the caller's own dependents and leaves the others' be", async () => {
    // Post 3 is Bob's; comment 1 on it is Alice's, comment 2 Bob's.
    await server.as('bob', 'DELETE', '/posts/3').expect(200);
    const data = server.project.json('db.json') as { posts: Array<{ id: number }>; comments: Array<{ id: number }> };
    expect(data.posts.map((post) => post.id)).toEqual([1, 2]);
    expect(data.comments.map((comment) => comment.id)).toEqual([1]);
  });

  it('an admin deletes with the whole cascade', async () => {
    await server.as('admin', 'DELETE', '/posts/3').expect(200);
    expect((server.project.json('db.json') as { comments: unknown[] }).comments).toEqual([]);
  });

  it('nobody can pin a record of yours by pointing at it, nor learn of records they cannot read', async () => {
    // Bob points a comment at Alice's private note; she still deletes it, and his comment stays his.
    await server.as('bob', 'POST', '/comments', { body: 'pin', noteId: 1 }).expect(201);
    await server.as('alice', 'DELETE', '/notes/1').expect(200);
    // Alice's private note points at Bob's post; Bob's delete neither fails on it nor names it.
    await server.as('alice', 'PATCH', '/notes/2', { postId: 3 }).expect(200);
    const response = await server.as('bob', 'DELETE', '/posts/3').expect(200);
    expect(JSON.stringify(response.body)).not.toContain('notes');
    expect((await server.as('alice', 'GET', '/notes/2').expect(200)).body.postId).toBe(3);
  });
});

describe('a nested route names its parent however json-server reads it', () => {
  it.each(['/note/1/comments', '/NOTES/1/comments', '/Note/1/comments'])('%s needs the right to read note 1', async (url) => {
    await server.as('bob', 'GET', url).expect(403);
    await server.as('bob', 'POST', url, { body: 'x' }).expect(403);
    await server.as('alice', 'GET', url).expect(200);
  });
});

it('_expand of a foreign key a record lacks answers 200 without the expansion', async () => {
  await server.as('admin', 'POST', '/posts', { title: 'no owner field' }).expect(201);
  const list = (await server.as('anonymous', 'GET', '/posts?_expand=user').expect(200)).body as Array<Record<string, unknown>>;
  const lacking = list.find((post) => post.title === 'no owner field');
  expect(lacking).toBeDefined();
  expect(lacking?.user).toBeUndefined();
  expect((await server.as('anonymous', 'GET', '/comments?_expand=post&_expand=user').expect(200)).body).toHaveLength(2);
});
