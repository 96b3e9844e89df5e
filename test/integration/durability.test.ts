import request from 'supertest';
import { login, requestAs, SAMPLE_DB, SAMPLE_USERS, useOwnProjects } from '../support';

const own = useOwnProjects();

it('db.json always equals the data, written as JSON.stringify(data, null, 2) would, after every kind of change', async () => {
  const project = own.project({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
  const api = await own.open(project);
  const token = await login(api.app, 'alice@example.com', 'alice123');
  const as = (method: 'post' | 'put' | 'patch' | 'delete', url: string, body?: object) => requestAs(api.app, token, method, url, body);
  const onDisk = () => project.read('db.json');
  const expected = () => `${JSON.stringify(api.database.persistedState(), null, 2)}\n`;

  const steps: Array<[string, () => request.Test]> = [
    ['create', () => as('post', '/posts', { title: 'new', tags: ['a'], meta: { nested: true } })],
    ['patch in place', () => as('patch', '/posts/1', { title: 'patched', extra: { deep: [1, 2] } })],
    ['replace in place', () => as('put', '/posts/2', { title: 'replaced' })],
    ['patch again', () => as('patch', '/posts/2', { title: 'patched twice' })],
    ['nested create', () => as('post', '/posts/1/comments', { body: 'nested' })],
    ['singular', () => as('put', '/profile', { name: 'changed' })],
    ['delete with its comments', () => as('delete', '/posts/1')],
  ];
  for (const [, step] of steps) {
    const response = await step();
    expect(response.status).toBeLessThan(300);
    expect(onDisk()).toBe(expected());
  }
  const saved = JSON.parse(onDisk()) as { posts: Array<{ id: number; title: string }> };
  expect(saved.posts.find((post) => post.id === 2)?.title).toBe('patched twice');
  await api.close();
});

it('with --watch, a hand edit wins over a change still to be saved: that change answers 409 and the edit stands', async () => {
  const project = own.project({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
  const api = await own.open(project, { keepExternalEdits: true });
  const token = await login(api.app, 'alice@example.com', 'alice123');
  const edit = { ...SAMPLE_DB, posts: [{ id: 1, title: 'edited by hand' }] };
  await new Promise((resolve) => setTimeout(resolve, 20)); // a later mtime than the server's own load
  project.write('db.json', edit);
  const response = await request(api.app).post('/posts').set('Authorization', `Bearer ${token}`).send({ title: 'in flight' });
  expect(response.status).toBe(409);
  expect(response.body.error).toBe('conflict');
  expect(project.json('db.json')).toEqual(edit);
});
