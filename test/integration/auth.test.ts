import request from 'supertest';
import { makeProject, serverFor, snapshotFiles, type Project } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';
import { decode } from 'jsonwebtoken';

let project: Project;
let api: FakeJwtApi;

beforeEach(async () => {
  project = makeProject();
  api = await serverFor(project);
});
afterEach(async () => {
  await api.close(); // every change on disk before the folder goes
  project.cleanup();
});

describe('POST /auth/register', () => {
  it('creates an account, saves users.json and answers 201 with an AuthResult', async () => {
    const response = await request(api.app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-password', name: 'Carol' }).expect(201);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { id: 4, email: 'carol@example.com', role: 'user', name: 'Carol', emailVerified: false },
    });
    const saved = (project.json('users.json') as Array<Record<string, unknown>>).find((user) => user.email === 'carol@example.com');
    expect(saved).toMatchObject({ id: 4, role: 'user', name: 'Carol', password: expect.stringMatching(/^\$scrypt\$/) });
    await request(api.app).get('/posts').set('Authorization', `Bearer ${response.body.accessToken}`).expect(200);
  });

  it('ignores id, role and other privileged fields the client sends', async () => {
    const response = await request(api.app)
      .post('/auth/register')
      .send({ email: 'mallory@example.com', password: 'mallory-pass', id: 1, role: 'admin', isAdmin: true, permissions: ['*'], nickname: 'm' })
      .expect(201);
    expect(response.body.user).toEqual({ id: 4, email: 'mallory@example.com', role: 'user', nickname: 'm', emailVerified: false });
    expect(decode(response.body.accessToken)).toMatchObject({ sub: '4', role: 'user' });
  });

  it.each(['/register', '/signup'])('works at the json-server-auth alias %s', async (alias) => {
    await request(api.app).post(alias).send({ email: 'dave@example.com', password: 'dave-password' }).expect(201);
  });

  it('answers 409 for a taken email, compared case-insensitively, and writes nothing', async () => {
    const before = snapshotFiles(project);
    const response = await request(api.app).post('/auth/register').send({ email: 'ALICE@Example.com', password: 'another-pass' }).expect(409);
    expect(response.body.error).toBe('conflict');
    expect(snapshotFiles(project)).toEqual(before);
  });

  it('accepts an urlencoded form', async () => {
    await request(api.app).post('/auth/register').type('form').send('email=erin%40example.com&password=erin-password').expect(201);
  });

  it('lets two simultaneous registrations with one email create one account', async () => {
    const attempts = await Promise.all(
      [1, 2, 3].map(() => request(api.app).post('/auth/register').send({ email: 'race@example.com', password: 'race-password' })),
    );
    expect(attempts.map((response) => response.status).sort()).toEqual([201, 409, 409]);
    expect((project.json('users.json') as unknown[]).length).toBe(4);
  });

  const invalid: Array<[string, unknown]> = [
    ['no body', undefined],
    ['no email', { password: 'long-enough' }],
    ['no password', { email: 'x@example.com' }],
    ['a number for a password', { email: 'x@example.com', password: 12345678 }],
    ['an object for an email', { email: { $ne: '' }, password: 'long-enough' }],
    ['an array for an email', { email: ['x@example.com'], password: 'long-enough' }],
    ['a malformed email', { email: 'not-an-email', password: 'long-enough' }],
    ['a short password', { email: 'x@example.com', password: 'short' }],
    ['a JSON array body', [{ email: 'x@example.com', password: 'long-enough' }]],
  ];
  it.each(invalid)('answers 400 invalid_request for %s, and writes nothing', async (_case, body) => {
    const before = snapshotFiles(project);
    const call = request(api.app).post('/auth/register');
    const response = await (body === undefined ? call : call.send(body as object)).expect(400);
    expect(response.body).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(snapshotFiles(project)).toEqual(before);
  });

  it('answers 400 for malformed JSON, as JSON, without a stack trace', async () => {
    const response = await request(api.app).post('/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body.error).toBe('invalid_request');
    expect(response.text).not.toMatch(/at .*\.js/);
  });

  it('takes the minimum password length from the options', async () => {
    const strict = await serverFor(project, { passwordMinLength: 12 });
    await request(strict.app).post('/auth/register').send({ email: 'x@example.com', password: 'elevenchars' }).expect(400);
    await request(strict.app).post('/auth/register').send({ email: 'x@example.com', password: 'twelve-chars' }).expect(201);
  });
});

describe('POST /auth/login', () => {
  it('answers 200 with an AuthResult for a plain-text password from users.json', async () => {
    const response = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
    expect(response.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      tokenType: 'Bearer',
      expiresIn: 3600,
      user: { id: 2, email: 'alice@example.com', role: 'user', name: 'Alice' },
    });
  });

  it.each(['/login', '/signin'])('works at the json-server-auth alias %s', async (alias) => {
    await request(api.app).post(alias).send({ email: 'alice@example.com', password: 'alice123' }).expect(200);
  });

  it('matches the email case-insensitively', async () => {
    await request(api.app).post('/auth/login').send({ email: 'Alice@Example.COM', password: 'alice123' }).expect(200);
  });

  it('gives the same 401 body for an unknown email and a wrong password', async () => {
    const wrongPassword = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'wrong-password' }).expect(401);
    const unknownEmail = await request(api.app).post('/auth/login').send({ email: 'nobody@example.com', password: 'wrong-password' }).expect(401);
    expect(wrongPassword.body).toEqual({ error: 'invalid_credentials', message: expect.any(String) });
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(unknownEmail.headers['www-authenticate']).toBe('Bearer realm="fake-jwt-api"');
  });

  it('takes about as long for an unknown email as for a wrong password', async () => {
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await request(api.app).post('/auth/login').send({ email, password: 'wrong-password' });
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 5; round++) {
      known.push(await time('alice@example.com'));
      unknown.push(await time('nobody@example.com'));
    }
    // Both run one scrypt of the same cost; without the decoy hash the unknown email would answer in ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it.each([
    ['a number for a password', { email: 'alice@example.com', password: 12345678 }],
    ['an object for a password', { email: 'alice@example.com', password: { $gt: '' } }],
    ['no email', { password: 'alice123' }],
  ])('answers 400 for %s', async (_case, body) => {
    const response = await request(api.app).post('/auth/login').send(body).expect(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('GET /auth/me', () => {
  it("returns the caller's account without its password", async () => {
    const { body } = await request(api.app).post('/auth/login').send({ email: 'alice@example.com', password: 'alice123' });
    const response = await request(api.app).get('/auth/me').set('Authorization', `Bearer ${body.accessToken}`).expect(200);
    expect(response.body).toEqual({ id: 2, email: 'alice@example.com', role: 'user', name: 'Alice' });
  });

  it('answers 401 with a challenge when no token is sent', async () => {
    const response = await request(api.app).get('/auth/me').expect(401);
    expect(response.body.error).toBe('invalid_token');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="fake-jwt-api"');
  });

  it('answers 401 when the account was removed from users.json', async () => {
    const { body } = await request(api.app).post('/auth/login').send({ email: 'bob@example.com', password: 'bob12345' });
    const users = project.json('users.json') as Array<{ email: string }>;
    project.write(
      'users.json',
      users.filter((user) => user.email !== 'bob@example.com'),
    );
    const response = await request(api.app).get('/auth/me').set('Authorization', `Bearer ${body.accessToken}`).expect(401);
    expect(response.body.error).toBe('invalid_token');
  });
});

describe('unknown /auth routes', () => {
  it.each([
    ['GET', '/auth/login'],
    ['POST', '/auth/nothing'],
    ['PUT', '/auth/me'],
  ])('%s %s is a JSON 404', async (method, url) => {
    const response = await request(api.app)[method.toLowerCase() as 'get'](url).expect(404);
    expect(response.body.error).toBe('not_found');
  });
});
