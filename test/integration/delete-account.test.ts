/**
 * DELETE /auth/me (issue 16, README "Your own account") through the whole app: the caller's own account, with its
 * current password (checked under the login throttle); every session of it ends; the records it owns stay in db.json,
 * and its id is never given to a new account.
 */
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { loginPair, pollUntil, requestAs, SAMPLE_DB, SAMPLE_LOGINS, useServer } from '../support';

type App = FakeJwtApi['app'];

const { alice, bob } = SAMPLE_LOGINS;
const CLIENT = { id: 'reporter', secret: 'reporter-secret', grants: ['client_credentials' as const], role: 'reporter' };

const { project, serve } = useServer({ defaults: { alg: 'RS256', clients: [CLIENT] } });

const deleteMe = (app: App, token: string | undefined, body?: object) => requestAs(app, token, 'DELETE', '/auth/me', body);
const loginStatus = async (app: App, email: string, password: string) => (await request(app).post('/auth/login').send({ email, password })).status;
const refreshStatus = async (app: App, refreshToken: string) => (await request(app).post('/auth/refresh').send({ refreshToken })).status;

describe('DELETE /auth/me', () => {
  it('deletes the account with its password: 200 with what happened, every session ended, the login gone', async () => {
    const { app } = await serve();
    const [first, second, bobs] = [
      await loginPair(app, alice.email, alice.password),
      await loginPair(app, alice.email, alice.password),
      await loginPair(app, bob.email, bob.password),
    ];
    const deleted = await deleteMe(app, first.accessToken, { password: alice.password }).expect(200);
    expect(deleted.body).toEqual({ deleted: { id: 2, email: alice.email }, ownedRecords: 'kept', message: expect.any(String) });

    for (const pair of [first, second]) {
      expect((await requestAs(app, pair.accessToken, 'GET', '/auth/me')).status).toBe(401);
      expect(await refreshStatus(app, pair.refreshToken)).toBe(401);
    }
    expect(await loginStatus(app, alice.email, alice.password)).toBe(401);
    expect((project.json('users.json') as Array<{ email: string }>).map((account) => account.email)).not.toContain(alice.email);
    // Another account is untouched.
    await requestAs(app, bobs.accessToken, 'GET', '/auth/me').expect(200);
    expect(await refreshStatus(app, bobs.refreshToken)).toBe(200);
  });

  it('keeps the records the account owned in db.json', async () => {
    const { app } = await serve();
    const { accessToken } = await loginPair(app, alice.email, alice.password);
    await deleteMe(app, accessToken, { password: alice.password }).expect(200);
    const db = project.json('db.json') as typeof SAMPLE_DB;
    expect(db.posts).toContainEqual(SAMPLE_DB.posts[1]);
    expect(db.comments).toContainEqual(SAMPLE_DB.comments[0]);
  });

  it('never gives the id to a new account, even one with the same email; the old tokens stay dead', async () => {
    const { app } = await serve();
    const bobs = await loginPair(app, bob.email, bob.password); // id 3: the greatest
    await deleteMe(app, bobs.accessToken, { password: bob.password }).expect(200);
    const again = await request(app).post('/auth/register').send({ email: bob.email, password: bob.password }).expect(201);
    expect(again.body.user.id).toBe(4);
    expect((await requestAs(app, bobs.accessToken, 'GET', '/auth/me')).status).toBe(401);
    expect(await refreshStatus(app, bobs.refreshToken)).toBe(401);
  });

  it('kills a reset link mailed before, even once the email is registered again', async () => {
    const api = await serve();
    await request(api.app).post('/auth/forgot-password').send({ email: alice.email }).expect(202);
    const mails = await pollUntil(
      () => api.outbox.list({ to: alice.email }),
      (found) => found.length > 0,
    );
    const token = new URL(mails[0].links[0]).searchParams.get('token');
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    await deleteMe(api.app, accessToken, { password: alice.password }).expect(200);
    await request(api.app).post('/auth/register').send({ email: alice.email, password: 'the new alice' }).expect(201);
    const dead = await request(api.app).post('/auth/reset-password').send({ token, password: 'taken over' }).expect(400);
    expect(dead.body.error).toBe('invalid_grant');
    expect(await loginStatus(api.app, alice.email, 'the new alice')).toBe(200);
  });

  it('refuses a wrong or missing password and keeps the account', async () => {
    const { app } = await serve();
    const { accessToken } = await loginPair(app, alice.email, alice.password);
    expect((await deleteMe(app, accessToken, { password: 'wrong-password' }).expect(403)).body.error).toBe('forbidden');
    expect((await deleteMe(app, accessToken, {}).expect(400)).body.error).toBe('invalid_request');
    expect((await deleteMe(app, accessToken).expect(400)).body.error).toBe('invalid_request');
    await requestAs(app, accessToken, 'GET', '/auth/me').expect(200);
    expect(await loginStatus(app, alice.email, alice.password)).toBe(200);
  });

  it('counts wrong passwords in the login throttle: after 10, even the right one waits', async () => {
    const { app } = await serve();
    const { accessToken } = await loginPair(app, alice.email, alice.password);
    for (let attempt = 1; attempt <= 10; attempt++)
      expect([attempt, (await deleteMe(app, accessToken, { password: 'wrong-password' })).status]).toEqual([attempt, 403]);
    const held = await deleteMe(app, accessToken, { password: alice.password });
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(await loginStatus(app, alice.email, alice.password)).toBe(429); // one count with the login's
    await requestAs(app, accessToken, 'GET', '/auth/me').expect(200);
  });

  it('is for an account signed in here: 401 without a token or with a bad one, 403 for a service token', async () => {
    const { app } = await serve();
    for (const token of [undefined, 'not.a.token']) {
      const refused = await deleteMe(app, token, { password: alice.password }).expect(401);
      expect(refused.body.error).toBe('invalid_token');
    }
    const grant = await request(app)
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'client_credentials', client_id: CLIENT.id, client_secret: CLIENT.secret })
      .expect(200);
    const service = await deleteMe(app, grant.body.access_token, { password: CLIENT.secret }).expect(403);
    expect(service.body.error).toBe('forbidden');
    expect((project.json('users.json') as unknown[]).length).toBe(3);
  });
});
