import type request from 'supertest';
import { makeProject, SAMPLE_LOGINS, type Project } from './project';
import { callersOf, loginAll } from './requests';
import { serverFor, useCleanup } from './server';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';

/**
 * A realistic project to attack: an owner-only collection (notes, messages), an admin area, a public-read
 * collection whose writes are the owner's (posts, as the README shows), json-server-auth guards, and a rewrite.
 */
export const ATTACK_ROUTES = {
  '/api/*': '/$1',
  '/notes': { '*': 'owner' },
  '/messages': { '*': 'owner' },
  '/posts': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/comments': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/admin/*': { '*': 'admin' },
  '/tags': { read: 'public', write: 'authenticated' },
  diaries: 600,
};

export const ATTACK_USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 2, email: 'alice@example.com', password: 'alice123', name: 'Alice' },
  { id: 3, email: 'bob@example.com', password: 'bob12345', name: 'Bob' },
];

export function attackDb() {
  return {
    posts: [
      { id: 1, title: 'admin post', userId: 1 },
      { id: 2, title: 'alice post', userId: 2 },
      { id: 3, title: 'bob post', userId: 3 },
    ],
    comments: [
      { id: 1, body: 'alice on bob post', postId: 3, userId: 2 },
      { id: 2, body: 'bob on bob post', postId: 3, userId: 3 },
    ],
    notes: [
      { id: 1, text: 'alice secret: the launch code is 4321', userId: 2 },
      { id: 2, text: 'alice second note', userId: 2 },
      { id: 3, text: 'bob note', userId: 3 },
    ],
    messages: [{ id: 1, text: 'alice message', userId: 2 }],
    admin: [{ id: 1, setting: 'on' }],
    tags: [{ id: 'abc', name: 'tag' }],
    diaries: [{ id: 1, text: 'alice diary', userId: 2 }],
  };
}

export interface AttackServer {
  project: Project;
  api: FakeJwtApi;
  tokens: { admin: string; alice: string; bob: string };
  as(who: 'admin' | 'alice' | 'bob' | 'anonymous', method: string, url: string, body?: unknown): request.Test;
}

/**
 * `startAttackServer(options?, db?)` for a test file: each server, with its own project, closed and removed after the
 * test that started it (or after the file, when beforeAll did).
 */
export function useAttackServers(): (options?: Partial<ServerOptions>, db?: Record<string, unknown>) => Promise<AttackServer> {
  const track = useCleanup();
  return async (options = {}, db = attackDb()) => {
    const project = makeProject({ 'db.json': db, 'users.json': ATTACK_USERS, 'routes.json': ATTACK_ROUTES });
    const api = await serverFor(project, { routes: project.file('routes.json'), ...options });
    track({
      close: async () => {
        await api.close();
        project.cleanup();
      },
    });
    const tokens = await loginAll(api.app, SAMPLE_LOGINS);
    const as = callersOf(tokens);
    return { project, api, tokens, as: (who, method, url, body) => as(api, who, method, url, body) };
  };
}
