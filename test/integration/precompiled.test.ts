import request from 'supertest';
import pathToRegexp from 'path-to-regexp';
import { SAMPLE_USERS, useServer } from '../support';

// Count every pattern compiled, by us and by Express: none may be compiled while requests are served.
jest.mock('path-to-regexp', () => {
  const actual = jest.requireActual('path-to-regexp');
  return jest.fn((...args: unknown[]) => actual(...args));
});

const { project, serve } = useServer({ files: { 'users.json': SAMPLE_USERS } });

it('matching a request to its rule is compiled at start, not per request', async () => {
  const routes = { '/posts': { read: 'public' }, '/posts/:id': { read: 'authenticated' }, '/admin/*': { '*': 'admin' }, notes: 600 };
  const api = await serve({ db: { posts: [{ id: 1 }], notes: [] }, users: project.file('users.json'), routes });
  const compiled = (pathToRegexp as unknown as jest.Mock).mock.calls.length;
  expect(compiled).toBeGreaterThanOrEqual(8); // two per rule, at least
  for (let index = 0; index < 20; index++) {
    await request(api.app).get('/posts').expect(200);
    await request(api.app).get('/posts/1').expect(401);
    await request(api.app).get('/notes').expect(401);
  }
  expect((pathToRegexp as unknown as jest.Mock).mock.calls.length).toBe(compiled);
});
