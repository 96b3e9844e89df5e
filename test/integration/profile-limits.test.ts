import request from 'supertest';
import { login, makeProject, SAMPLE_DB, SAMPLE_USERS, serverFor, type Project } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

// Issue 10: a profile grew without bound one PATCH at a time (646 fields, 135 KB after 20 PATCHes). The profile an
// account keeps obeys the limits of one request: 32 fields, 8 KB of JSON.

let project: Project;
let api: FakeJwtApi;
let alice: string;
let admin: string;

beforeEach(async () => {
  project = makeProject({ 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS });
  api = await serverFor(project);
  alice = await login(api.app, 'alice@example.com', 'alice123');
  admin = await login(api.app, 'admin@example.com', 'admin123');
});
afterEach(async () => {
  await api.close();
  project.cleanup();
});

const fields = (prefix: string, count: number, value: unknown = 'x') =>
  Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, value]));
const patchMe = (body: object) => request(api.app).patch('/auth/me').set('Authorization', `Bearer ${alice}`).send(body);
const patchAsAdmin = (body: object) => request(api.app).patch('/auth/users/2').set('Authorization', `Bearer ${admin}`).send(body);
const stored = () => (project.json('users.json') as Array<Record<string, unknown>>).find((user) => user.id === 2)!;

describe.each([
  ['PATCH /auth/me', patchMe],
  ['PATCH /auth/users/:id (admin)', patchAsAdmin],
])('%s', (_route, patch) => {
  it('refuses the PATCH that would take the profile past 32 fields, with a 400 naming the limit; the account is unchanged', async () => {
    // Alice has one profile field (name): 31 more reach the limit exactly.
    await patch(fields('a', 31)).expect(200);
    const before = project.read('users.json');
    const refused = await patch({ oneMore: 'x' }).expect(400);
    expect(refused.body.error).toBe('invalid_request');
    expect(refused.body.message).toMatch(/at most 32 fields/);
    expect(project.read('users.json')).toBe(before);
    // Changing fields it has already is still fine.
    await patch({ a0: 'changed', name: 'Alice B.' }).expect(200);
    expect(stored()).toMatchObject({ a0: 'changed', name: 'Alice B.' });
  });

  it('refuses the PATCH that would take the profile past 8 KB of JSON, each PATCH being small enough', async () => {
    const fiveKb = 'x'.repeat(5 * 1024);
    await patch({ bio: fiveKb }).expect(200);
    const refused = await patch({ notes: fiveKb }).expect(400);
    expect(refused.body.message).toMatch(/at most 8 KB/);
    expect(stored()).not.toHaveProperty('notes');
    await patch({ bio: 'y'.repeat(5 * 1024) }).expect(200); // a replacement does not grow it
  });

  it('twenty PATCHes of 31 new fields each leave the profile within the limits', async () => {
    for (let round = 0; round < 20; round++) await patch(fields(`r${round}_`, 31, 'v'.repeat(200)));
    const profile = Object.keys(stored()).filter((field) => !['id', 'email', 'password', 'role'].includes(field));
    expect(profile.length).toBeLessThanOrEqual(32);
    expect(Buffer.byteLength(JSON.stringify(stored()))).toBeLessThan(9 * 1024 + 200);
  });
});

it('an account written by hand past the limits can still change a field, but not grow', async () => {
  await api.close();
  const big = { ...SAMPLE_USERS[1], ...fields('hand', 40) };
  project.write('users.json', [SAMPLE_USERS[0], big, SAMPLE_USERS[2]]);
  api = await serverFor(project);
  alice = await login(api.app, 'alice@example.com', 'alice123');
  await patchMe({ hand0: 'y' }).expect(200);
  expect((await patchMe({ another: 'x' }).expect(400)).body.message).toMatch(/at most 32 fields/);
});
