/**
 * Login by username (issue 16, README "Login by username") through the whole app: accounts may have a `username`;
 * /auth/login takes `{ username, password }` as well as `{ email, password }`; `--login-field username` makes it the
 * one name a registration must give; usernames are unique as emails are (NFKC, case-insensitive); a guess counts
 * against the account whichever of its names is typed; the provider's login page asks for the right field.
 */
import { randomBytes } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { requestAs, signInAtProvider, useOwnProjects, useServer } from '../support';

type App = FakeJwtApi['app'];

const USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 2, email: 'alice@example.com', username: 'alice', password: 'alice123', name: 'Alice' },
  // Written by hand with a username only: no email, so nothing to verify or mail.
  { id: 3, username: 'bob_92', password: 'bob12345' },
];

const { project, serve } = useServer({ files: { 'db.json': { posts: [] }, 'users.json': USERS } });
const own = useOwnProjects();

const payloadOf = (token: string) => jwt.decode(token) as JwtPayload;
const logIn = (app: App, body: object) => request(app).post('/auth/login').send(body);
const register = (app: App, body: object) => request(app).post('/auth/register').send(body);

describe('POST /auth/login', () => {
  it('takes { username, password }: the same session and tokens as by email, with preferred_username', async () => {
    const { app } = await serve();
    const byName = await logIn(app, { username: 'alice', password: 'alice123' }).expect(200);
    const byEmail = await logIn(app, { email: 'alice@example.com', password: 'alice123' }).expect(200);
    expect(byName.body.user).toEqual(byEmail.body.user);
    expect(byName.body.user).toMatchObject({ id: 2, email: 'alice@example.com', username: 'alice' });
    expect(payloadOf(byName.body.accessToken)).toMatchObject({ sub: '2', email: 'alice@example.com', preferred_username: 'alice', role: 'user' });
    await requestAs(app, byName.body.accessToken, 'GET', '/auth/me').expect(200);
    await request(app).post('/auth/refresh').send({ refreshToken: byName.body.refreshToken }).expect(200);
  });

  it('logs in an account that has only a username: a token with no email claim, which the server accepts', async () => {
    const { app } = await serve();
    const { body } = await logIn(app, { username: 'bob_92', password: 'bob12345' }).expect(200);
    const claims = payloadOf(body.accessToken);
    expect(claims).toMatchObject({ sub: '3', preferred_username: 'bob_92', email_verified: false });
    expect(claims).not.toHaveProperty('email');
    expect((await requestAs(app, body.accessToken, 'GET', '/auth/me').expect(200)).body).toEqual({ id: 3, username: 'bob_92' });
    const refreshed = await request(app).post('/auth/refresh').send({ refreshToken: body.refreshToken }).expect(200);
    await requestAs(app, refreshed.body.accessToken, 'POST', '/posts', { title: 'by bob' }).expect(201);
  });

  it('compares usernames as emails are: case and Unicode look-alikes (NFKC) name one account', async () => {
    const { app } = await serve();
    for (const typed of ['ALICE', ' Alice ', '\uff41\uff4c\uff49\uff43\uff45' /* fullwidth alice */, 'BOB_92'])
      expect((await logIn(app, { username: typed, password: typed.toLowerCase().includes('b') ? 'bob12345' : 'alice123' })).status).toBe(200);
  });

  it('answers an unknown username exactly as a wrong password, naming the field typed', async () => {
    const { app } = await serve();
    const unknown = await logIn(app, { username: 'nobody', password: 'alice123' }).expect(401);
    const wrong = await logIn(app, { username: 'alice', password: 'wrong-password' }).expect(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toEqual({ error: 'invalid_credentials', message: 'The username or password is incorrect.' });
    expect(unknown.headers['www-authenticate']).toBe(wrong.headers['www-authenticate']);
    // An email in the username field is no account's username (a username never has an @).
    await logIn(app, { username: 'alice@example.com', password: 'alice123' }).expect(401);
  });

  it('refuses both names at once, and asks for the right one when neither is sent', async () => {
    const { app } = await serve();
    const both = await logIn(app, { email: 'alice@example.com', username: 'alice', password: 'alice123' }).expect(400);
    expect(both.body.message).toBe('Send "email" or "username", not both.');
    expect((await logIn(app, { password: 'alice123' }).expect(400)).body.message).toBe('"email" is required.');
    const byName = await serve({ loginField: 'username' });
    expect((await logIn(byName.app, { password: 'alice123' }).expect(400)).body.message).toBe('"username" is required.');
    expect((await logIn(app, { username: ['alice'], password: 'alice123' }).expect(400)).body.message).toMatch(/"username" must be a string/);
  });

  it('counts a guess against the account whichever of its names is typed: switching buys no tries', async () => {
    const { app } = await serve({ rateLimit: 'login=4/10m,ip=off' });
    for (const body of [{ username: 'alice' }, { email: 'alice@example.com' }, { username: 'ALICE' }, { email: 'Alice@Example.com' }])
      await logIn(app, { ...body, password: 'wrong-password' }).expect(401);
    for (const body of [{ username: 'alice' }, { email: 'alice@example.com' }]) {
      const waiting = await logIn(app, { ...body, password: 'alice123' }).expect(429);
      expect(waiting.headers['retry-after']).toMatch(/^\d+$/);
    }
    // Another account is not held up.
    await logIn(app, { username: 'bob_92', password: 'bob12345' }).expect(200);
  });
});

describe('registration', () => {
  it('keeps email the required name by default; a username is optional, checked and unique', async () => {
    const { app } = await serve();
    const { body } = await register(app, { email: 'carol@example.com', username: 'Carol.K', password: 'carol-password' }).expect(201);
    expect(body.user).toMatchObject({ email: 'carol@example.com', username: 'Carol.K' });
    expect(payloadOf(body.accessToken)).toMatchObject({ preferred_username: 'Carol.K' });
    await logIn(app, { username: 'carol.k', password: 'carol-password' }).expect(200);
    await register(app, { email: 'dave@example.com', password: 'dave-password' }).expect(201); // no username: fine
    expect((await register(app, { username: 'erin', password: 'erin-password' }).expect(400)).body.message).toBe('"email" is required.');
    const users = project.json('users.json') as Array<Record<string, unknown>>;
    expect(users.find((user) => user.email === 'carol@example.com')).toMatchObject({ username: 'Carol.K' });
  });

  it('refuses a taken username however it is written, and one that is not a plain login name', async () => {
    const { app } = await serve();
    for (const taken of ['alice', 'ALICE', 'Bob_92']) {
      const refused = await register(app, { email: `${randomBytes(4).toString('hex')}@example.com`, username: taken, password: 'some-password' }).expect(409);
      expect(refused.body).toEqual({ error: 'conflict', message: expect.stringMatching(/^The username .+ is taken/) });
    }
    for (const bad of ['has space', 'me@example.com', 'zero\u200bwidth', 'new\nline', '-dash-first', 'a'.repeat(65), '<b>x</b>', 42]) {
      const refused = await register(app, { email: 'x@example.com', username: bad, password: 'some-password' }).expect(400);
      expect(refused.body.message).toMatch(/"username" must be/);
    }
    // Letters of any script are names, one script a name (lookalike-names.test.ts); a full-width name is sent in its plain form.
    await register(app, { email: 'zoe@example.com', username: 'Zoë_7', password: 'some-password' }).expect(201);
    await register(app, { email: 'omega@example.com', username: 'Ωμέγα-7', password: 'some-password' }).expect(201);
    const fullWidth = await register(app, { email: 'y@example.com', username: '\uff21lice', password: 'some-password' }).expect(400);
    expect(fullWidth.body.message).toMatch(/"username" must be sent in its plain \(NFKC\) form "Alice"/);
  });

  it('under --login-field username: the username is required, the email optional (mailed a link when given)', async () => {
    const api = await serve({ loginField: 'username' });
    const { app } = api;
    const { body } = await register(app, { username: 'frank', password: 'frank-password' }).expect(201);
    expect(body.user).toEqual({ id: 4, username: 'frank', role: 'user' });
    expect(payloadOf(body.accessToken)).not.toHaveProperty('email');
    expect((await register(app, { email: 'gina@example.com', password: 'gina-password' }).expect(400)).body.message).toBe('"username" is required.');
    const withEmail = await register(app, { username: 'gina', email: 'gina@example.com', password: 'gina-password' }).expect(201);
    expect(withEmail.body.user).toMatchObject({ username: 'gina', email: 'gina@example.com', emailVerified: false });
    expect((await api.outbox.latest('gina@example.com'))?.subject).toMatch(/verify/i);
    // Written to users.json as it is: no email field for frank, and a restart logs him in again.
    const frank = (project.json('users.json') as Array<Record<string, unknown>>).find((user) => user.username === 'frank');
    expect(frank).not.toHaveProperty('email');
    expect(frank).not.toHaveProperty('emailVerified');
    const again = await serve({ loginField: 'username' });
    await logIn(again.app, { username: 'FRANK', password: 'frank-password' }).expect(200);
  });

  it('under --require-verified-email an email is required whatever the login field, and a username-only account cannot log in', async () => {
    const { app } = await serve({ loginField: 'username', requireVerifiedEmail: true });
    expect((await register(app, { username: 'hank', password: 'hank-password' }).expect(400)).body.message).toBe('"email" is required.');
    const refused = await logIn(app, { username: 'bob_92', password: 'bob12345' }).expect(403);
    expect(refused.body).toEqual({ error: 'email_not_verified', message: expect.stringContaining('has no email') });
  });
});

describe('the profile', () => {
  it('PATCH /auth/me changes the username under the same rules; preferred_username is no profile field', async () => {
    const { app } = await serve();
    const { accessToken } = (await logIn(app, { username: 'alice', password: 'alice123' }).expect(200)).body;
    // A username is a login name: it changes with the password typed again (README "Your own account").
    const currentPassword = 'alice123';
    await requestAs(app, accessToken, 'PATCH', '/auth/me', { username: 'BOB_92', currentPassword }).expect(409);
    await requestAs(app, accessToken, 'PATCH', '/auth/me', { username: 'not valid', currentPassword }).expect(400);
    const changed = await requestAs(app, accessToken, 'PATCH', '/auth/me', { username: 'alice_w', preferred_username: 'admin', currentPassword }).expect(200);
    expect(changed.body).toMatchObject({ username: 'alice_w' });
    expect(changed.body).not.toHaveProperty('preferred_username');
    await logIn(app, { username: 'alice', password: 'alice123' }).expect(401);
    await logIn(app, { username: 'alice_w', password: 'alice123' }).expect(200);
  });

  it('a username-only account is never `verified` for the rules, and has no email to mail', async () => {
    const project = own.project({
      'db.json': { notes: [] },
      'users.json': USERS,
      'routes.json': { '/notes': { read: 'public', write: 'verified' } },
    });
    const api = await own.open(project);
    const bob = (await logIn(api.app, { username: 'bob_92', password: 'bob12345' }).expect(200)).body.accessToken;
    const alice = (await logIn(api.app, { username: 'alice', password: 'alice123' }).expect(200)).body.accessToken;
    await requestAs(api.app, bob, 'POST', '/notes', { text: 'no' }).expect(403);
    await requestAs(api.app, alice, 'POST', '/notes', { text: 'yes' }).expect(201);
    await requestAs(api.app, bob, 'POST', '/auth/verify-email/resend').expect(202);
    await api.outbox.settled();
    expect(await api.outbox.list()).toEqual([]);
  });
});

describe('users.json', () => {
  it('refuses to start with a username twice (as compared) or an entry with neither name', async () => {
    for (const users of [
      [...USERS, { email: 'x@example.com', username: 'Alice', password: 'x-password' }],
      [...USERS, { email: 'x@example.com', username: '\uff41lice', password: 'x-password' }],
      [...USERS, { password: 'x-password', name: 'nobody' }],
      [...USERS, { username: '', password: 'x-password' }],
    ]) {
      const project = own.project({ 'db.json': {}, 'users.json': users });
      await expect(own.open(project)).rejects.toMatchObject({ code: 'ERR_USERS_FILE', exitCode: 2, message: expect.stringMatching(/users\[3\]/) });
    }
  });
});

describe("the OpenID provider's login page", () => {
  /** The login page of the client `spa`, and its form posted with `credentials`: whatever it answers. */
  const signIn = (app: App, credentials: Record<string, string>) =>
    signInAtProvider(app, { clientId: 'spa', scope: 'openid profile', credentials, answerStatus: 'any' });

  it('asks for the username under --login-field username, signs in by it, and the ID token says preferred_username', async () => {
    const { app } = await serve({ loginField: 'username' });
    const { page, answer, exchange } = await signIn(app, { username: 'Bob_92', password: 'bob12345' });
    expect(page.text).toMatch(/<label>Username <input name="username" type="text"/);
    expect(page.text).not.toMatch(/<input name="email"/);
    expect(answer.status).toBe(302);
    const tokens = (await exchange().expect(200)).body;
    expect(payloadOf(tokens.id_token)).toMatchObject({ sub: '3', preferred_username: 'bob_92' });
    expect(payloadOf(tokens.access_token)).toMatchObject({ sub: '3', preferred_username: 'bob_92' });
  });

  it('asks for the email by default, and a wrong username gets the same page as a wrong password', async () => {
    const { app } = await serve();
    const { page } = await signIn(app, { email: 'alice@example.com', password: 'alice123' });
    expect(page.text).toMatch(/<label>Email <input name="email" type="email"/);
    const unknown = await signIn(app, { username: 'nobody', password: 'alice123' });
    const wrong = await signIn(app, { username: 'alice', password: 'nope-nope' });
    expect([unknown.answer.status, wrong.answer.status]).toEqual([401, 401]);
    expect(unknown.answer.text).toContain('The email or password is incorrect.');
    expect(wrong.answer.text).toContain('The email or password is incorrect.');
  });
});
