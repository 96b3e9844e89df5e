/**
 * A red team's takeover (severity High): with a stolen access token alone, `PATCH /auth/me { email: thief }`, then a
 * forgot-password to the thief's inbox, a reset, a login, and the email changed back. Now a login name (email or
 * username) changes only with `currentPassword`, checked as POST /auth/password checks it: under the login throttle,
 * one count with the login's. And every email change, by the owner or an admin, is told to the address it left.
 */
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { loginPair, requestAs, SAMPLE_LOGINS, SAMPLE_USERS, signInAtProvider, useServer } from '../support';

type App = FakeJwtApi['app'];

const AT = Date.UTC(2030, 0, 1, 9, 30);
const clock = { now: AT };
beforeEach(() => (clock.now = AT));

const { admin, alice } = SAMPLE_LOGINS;
const THIEF = 'thief@evil.test';
// Written by hand as unverified: nobody proved the address is theirs.
const carol = { email: 'carol@example.com', password: 'carol123' };
const USERS = [...SAMPLE_USERS, { id: 4, ...carol, emailVerified: false }];
const { project, serve } = useServer({ files: { 'db.json': { posts: [] }, 'users.json': USERS }, defaults: { now: () => clock.now } });

const patchMe = (app: App, token: string, body: object) => requestAs(app, token, 'PATCH', '/auth/me', body);
const loginStatus = async (app: App, body: object) => (await request(app).post('/auth/login').send(body)).status;
const storedUsers = () => project.json('users.json') as Array<Record<string, unknown>>;
const stored = (id: number) => storedUsers().find((account) => account.id === id);
const refusal = (response: request.Response) => ({ status: response.status, error: response.body.error });

/** What POST /auth/password answers to a wrong current password: the PATCH must answer the same. */
async function wrongCurrentPasswordAnswer(app: App, token: string) {
  const answer = await requestAs(app, token, 'POST', '/auth/password', { currentPassword: 'not-it', newPassword: 'whatever-long' });
  return { status: answer.status, body: answer.body };
}

describe('the takeover of the report stops at the PATCH', () => {
  it('without currentPassword: 400 saying it is needed, nothing changed, and a forgot-password reaches only alice', async () => {
    const api = await serve();
    const { accessToken: stolen } = await loginPair(api.app, alice.email, alice.password);
    const refused = await patchMe(api.app, stolen, { email: THIEF });
    expect(refusal(refused)).toEqual({ status: 400, error: 'invalid_request' });
    expect(refused.body.message).toMatch(/"currentPassword".*change the email/);

    await request(api.app).post('/auth/forgot-password').send({ email: THIEF }).expect(202);
    await request(api.app).post('/auth/forgot-password').send({ email: alice.email }).expect(202);
    await api.outbox.settled();
    expect(await api.outbox.list({ to: THIEF })).toEqual([]);
    expect((await api.outbox.latest(alice.email))?.subject).toBe('Reset your password');
    expect(stored(2)).toMatchObject({ email: alice.email });
    expect(await loginStatus(api.app, alice)).toBe(200);
  });

  it('with a wrong one: the very refusal POST /auth/password gives, and nothing changed', async () => {
    const api = await serve();
    const { accessToken: stolen } = await loginPair(api.app, alice.email, alice.password);
    const refused = await patchMe(api.app, stolen, { email: THIEF, currentPassword: 'a guess' });
    expect({ status: refused.status, body: refused.body }).toEqual(await wrongCurrentPasswordAnswer(api.app, stolen));
    expect(refusal(refused)).toEqual({ status: 403, error: 'forbidden' });
    expect(stored(2)).toMatchObject({ email: alice.email });
    expect(await api.outbox.list({ to: alice.email })).toEqual([]);
  });

  it('guesses count in the login throttle: after 10, even the right password waits, and so does the login', async () => {
    const api = await serve();
    const { accessToken: stolen } = await loginPair(api.app, alice.email, alice.password);
    for (let guess = 1; guess <= 10; guess++)
      expect([guess, (await patchMe(api.app, stolen, { email: THIEF, currentPassword: `guess-${guess}` })).status]).toEqual([guess, 403]);
    const held = await patchMe(api.app, stolen, { email: THIEF, currentPassword: alice.password });
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(await loginStatus(api.app, alice)).toBe(429); // one count with the login's
    expect(stored(2)).toMatchObject({ email: alice.email });
  });

  it('counts with POST /auth/password and DELETE /auth/me: guesses spread over the three are one count', async () => {
    const api = await serve();
    const { accessToken: stolen } = await loginPair(api.app, alice.email, alice.password);
    for (let guess = 1; guess <= 4; guess++) {
      await requestAs(api.app, stolen, 'POST', '/auth/password', { currentPassword: `p-${guess}`, newPassword: 'whatever-long' }).expect(403);
      await requestAs(api.app, stolen, 'DELETE', '/auth/me', { password: `d-${guess}` }).expect(403);
    }
    await patchMe(api.app, stolen, { username: 'thief', currentPassword: 'e-1' }).expect(403);
    await patchMe(api.app, stolen, { username: 'thief', currentPassword: 'e-2' }).expect(403);
    expect((await patchMe(api.app, stolen, { username: 'thief', currentPassword: alice.password })).status).toBe(429);
  });

  it('a token the OpenID provider gave a client is held to the same password', async () => {
    const api = await serve();
    const stolen = await providerAccessToken(api.app);
    await requestAs(api.app, stolen, 'GET', '/auth/me').expect(200);
    expect(refusal(await patchMe(api.app, stolen, { email: THIEF }))).toEqual({ status: 400, error: 'invalid_request' });
    expect(refusal(await patchMe(api.app, stolen, { email: THIEF, currentPassword: 'a guess' }))).toEqual({ status: 403, error: 'forbidden' });
    expect(stored(2)).toMatchObject({ email: alice.email });
  });
});

describe('the owner with the password', () => {
  it('changes the email; the old address is told, naming the new one and when, with no link; the new one gets its link', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    const changed = await patchMe(api.app, accessToken, { email: 'alice.new@example.com', currentPassword: alice.password }).expect(200);
    expect(changed.body).toMatchObject({ email: 'alice.new@example.com', emailVerified: false });
    expect(changed.body).not.toHaveProperty('currentPassword');

    const notice = await api.outbox.latest(alice.email);
    expect(notice?.subject).toBe('Your email was changed');
    expect(notice?.text).toContain('alice.new@example.com');
    expect(notice?.text).toContain('2030-01-01T09:30:00.000Z');
    expect(notice?.text).toMatch(/If it was not you/);
    expect(notice?.links).toEqual([]);
    expect(notice?.html).not.toMatch(/<a\b/);
    expect(await api.outbox.list({ to: alice.email })).toHaveLength(1); // one notice per change
    expect((await api.outbox.latest('alice.new@example.com'))?.subject).toBe('Verify your email');

    expect(await loginStatus(api.app, { email: 'alice.new@example.com', password: alice.password })).toBe(200);
    expect(await loginStatus(api.app, alice)).toBe(401);
  });

  it('changes the username the same way: 400 without, 403 wrong, 200 right; then the username logs in', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    const missing = await patchMe(api.app, accessToken, { username: 'alice_w' });
    expect(refusal(missing)).toEqual({ status: 400, error: 'invalid_request' });
    expect(missing.body.message).toMatch(/"currentPassword".*change the username/);
    expect(refusal(await patchMe(api.app, accessToken, { username: 'alice_w', currentPassword: 'a guess' }))).toEqual({ status: 403, error: 'forbidden' });
    expect(await loginStatus(api.app, { username: 'alice_w', password: alice.password })).toBe(401);

    await patchMe(api.app, accessToken, { username: 'alice_w', currentPassword: alice.password }).expect(200);
    expect(stored(2)).toMatchObject({ username: 'alice_w' });
    expect(await loginStatus(api.app, { username: 'alice_w', password: alice.password })).toBe(200);
    // Another username needs it again; the same one in another case is no change.
    expect((await patchMe(api.app, accessToken, { username: 'alice_x' })).status).toBe(400);
    await patchMe(api.app, accessToken, { username: 'ALICE_W' }).expect(200);
    await api.outbox.settled();
    expect(await api.outbox.list()).toEqual([]); // a username is no address: nobody to tell
  });

  it('says both names when both change without the password', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    const missing = await patchMe(api.app, accessToken, { email: THIEF, username: 'thief' }).expect(400);
    expect(missing.body.message).toMatch(/change the email and username/);
  });
});

describe('what needs no password', () => {
  it('other profile fields, and the same email in another case, change without it and mail nothing', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    const patched = await patchMe(api.app, accessToken, { name: 'Alice B', city: 'Lyon', email: 'ALICE@Example.com' }).expect(200);
    expect(patched.body).toMatchObject({ name: 'Alice B', city: 'Lyon' });
    expect(stored(2)).toMatchObject({ name: 'Alice B', city: 'Lyon' });
    expect(stored(2)).not.toHaveProperty('emailVerified'); // the same address: still verified
    await api.outbox.settled();
    expect(await api.outbox.list()).toEqual([]);
  });

  it('the same email in a compatibility form (red team, round four) changes nothing: the address on file stays as it was', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    for (const lookalike of ['alice@exampⅼe.com', 'ａlice@example.com', 'alice@ℯxample.com']) {
      const patched = await patchMe(api.app, accessToken, { email: lookalike }).expect(200);
      expect({ lookalike, answered: patched.body.email, stored: stored(2)?.email }).toEqual({ lookalike, answered: alice.email, stored: alice.email });
    }
    await api.outbox.settled();
    expect(await api.outbox.list()).toEqual([]);
  });

  it('currentPassword is never stored; sent with a profile change it is still checked (a wrong one is never let through)', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    await patchMe(api.app, accessToken, { name: 'Alice C', currentPassword: alice.password }).expect(200);
    await patchMe(api.app, accessToken, { email: 'alice.new@example.com', currentPassword: alice.password }).expect(200);
    expect(refusal(await patchMe(api.app, accessToken, { name: 'Mallory', currentPassword: 'a guess' }))).toEqual({ status: 403, error: 'forbidden' });
    expect(stored(2)).toMatchObject({ name: 'Alice C', email: 'alice.new@example.com' });
    expect(JSON.stringify(storedUsers())).not.toContain('currentPassword');
    expect((await requestAs(api.app, accessToken, 'GET', '/auth/me').expect(200)).body).not.toHaveProperty('currentPassword');
  });
});

describe('the notice of an email change', () => {
  it("is sent for an admin's PATCH /auth/users/:id too, saying an administrator made it", async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, admin.email, admin.password);
    await requestAs(api.app, accessToken, 'PATCH', '/auth/users/3', { email: 'bob@corp.example.com' }).expect(200);
    const notice = await api.outbox.latest(SAMPLE_LOGINS.bob.email);
    expect(notice?.subject).toBe('Your email was changed');
    expect(notice?.text).toContain('bob@corp.example.com');
    expect(notice?.text).toMatch(/administrator/);
    expect(notice?.links).toEqual([]);
    // A role or a name alone is no email change: no notice.
    await requestAs(api.app, accessToken, 'PATCH', '/auth/users/2', { role: 'editor', name: 'Al' }).expect(200);
    await api.outbox.settled();
    expect(await api.outbox.list({ to: alice.email })).toEqual([]);
  });

  it('goes only to a verified address: changing the email back and forth tells the verified one once', async () => {
    const api = await serve();
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    const change = (email: string) => patchMe(api.app, accessToken, { email, currentPassword: alice.password }).expect(200);
    await change('a2@example.com'); // alice@ was verified: told
    await change(alice.email); // a2@ never was: not told
    await change('a3@example.com'); // alice@ is unverified again since it came back: not told
    await api.outbox.settled();
    const notices = async (to: string) => (await api.outbox.list({ to })).filter((mail) => mail.subject === 'Your email was changed');
    expect(await notices(alice.email)).toHaveLength(1);
    expect(await notices('a2@example.com')).toEqual([]);

    // An account written as unverified: its address is not told either.
    const carolToken = (await loginPair(api.app, carol.email, carol.password)).accessToken;
    await patchMe(api.app, carolToken, { email: 'carol2@example.com', currentPassword: carol.password }).expect(200);
    expect(await notices(carol.email)).toEqual([]);
  });
});

/** An access token the OpenID provider gave the public client my-spa, after alice signed in on its page. */
async function providerAccessToken(app: App): Promise<string> {
  const signedIn = await signInAtProvider(app, { credentials: alice });
  return (await signedIn.exchange().expect(200)).body.access_token;
}
