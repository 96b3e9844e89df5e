/**
 * Login throttling (issue 15, README "Rate limits") through the whole app: failed password guesses counted per
 * (account, address) and per address, answered 429 with Retry-After and the RateLimit headers while the guesser
 * waits, at every door a password is checked (/auth/login and its aliases, POST /auth/password, the provider's login
 * form, a confidential client's secret at the token endpoint). The server's clock is injected and moved: no sleeping.
 * Every request here comes from one address (supertest's 127.0.0.1); test/e2e/rate-limit-addresses.test.ts sends
 * from several.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { ServerOptions } from '../../src/config/options';
import { hiddenFields, SAMPLE_DB, signInAtProvider, useServer } from '../support';

type App = FakeJwtApi['app'];

/**
 * A scrypt hash in the server's own format at a tiny cost (N = 2^4): users.json may hold hashes, each is checked at
 * its own cost, and the decoys for unknown emails follow the accounts' cost. So hundreds of logins take a second,
 * and the 200 logins the issue asks for are all sent.
 */
function cheapHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 16, r: 8, p: 1 });
  return `$scrypt$ln=4,r=8,p=1$${salt.toString('base64')}$${key.toString('base64')}`;
}

const LOGINS = {
  admin: { email: 'admin@example.com', password: 'admin123' },
  alice: { email: 'alice@example.com', password: 'alice123' },
  bob: { email: 'bob@example.com', password: 'bob12345' },
};
const USERS = [
  { id: 1, email: LOGINS.admin.email, password: cheapHash(LOGINS.admin.password), role: 'admin' },
  { id: 2, email: LOGINS.alice.email, password: cheapHash(LOGINS.alice.password) },
  { id: 3, email: LOGINS.bob.email, password: cheapHash(LOGINS.bob.password) },
];
const GHOST = 'nobody@example.com';
const WRONG = 'wrong-password';

const START = Date.UTC(2030, 0, 1);
const clock = { now: START };
const passSeconds = (seconds: number) => (clock.now += seconds * 1000);
beforeEach(() => (clock.now = START));

const { serve } = useServer({ files: { 'db.json': SAMPLE_DB, 'users.json': USERS }, defaults: { now: () => clock.now } });

const loginAt = (app: App, email: string, password: string, path = '/auth/login') => request(app).post(path).send({ email, password });

/** `times` wrong passwords for `email`, each answered 401 (none of them yet held back). */
async function failLogins(app: App, email: string, times: number, path = '/auth/login'): Promise<void> {
  for (let attempt = 1; attempt <= times; attempt++) {
    const response = await loginAt(app, email, WRONG, path);
    expect([attempt, response.status]).toEqual([attempt, 401]);
  }
}

/** A 429 of the JSON endpoints: Retry-After, and a message with the wait and the way out. */
function expectWait(response: request.Response, seconds: number, by: RegExp = /failed logins for this account/): void {
  expect(response.status).toBe(429);
  expect(response.headers['retry-after']).toBe(String(seconds));
  expect(response.body).toEqual({ error: 'too_many_requests', message: expect.stringMatching(by) });
  expect(response.body.message).toContain(`try again in ${seconds} s`);
  expect(response.body.message).toContain('--rate-limit off');
  expect(response.body.accessToken).toBeUndefined();
}

describe('one account from one address (the defaults: 10 failures, then a minute, doubling to 15)', () => {
  it('waits after the 10th failure: the right password gets 429 with Retry-After 60, then works, and the count starts again', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 10);
    expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), 60);
    expectWait(await loginAt(app, LOGINS.alice.email, WRONG), 60);
    passSeconds(59);
    expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), 1);
    passSeconds(1);
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
    // The success forgot the pair: nine more failures are all 401, and the right password still works.
    await failLogins(app, LOGINS.alice.email, 9);
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
    // ... and the next lockout is a first one again: a minute.
    await failLogins(app, LOGINS.alice.email, 10);
    expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), 60);
  });

  it('doubles the wait at each lockout without a success between: 60, 120, 240, 480, then 15 minutes at most', async () => {
    const { app } = await serve();
    for (const seconds of [60, 120, 240, 480, 900, 900]) {
      await failLogins(app, LOGINS.alice.email, 10);
      expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), seconds);
      passSeconds(seconds);
    }
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
  });

  it('counts the email however it is written: case and spaces do not make another account to guess at', async () => {
    const { app } = await serve();
    for (const email of ['alice@example.com', 'ALICE@example.com', ' Alice@Example.COM ', 'alice@EXAMPLE.com']) await failLogins(app, email, 2);
    await failLogins(app, 'alice@example.com', 2);
    expectWait(await loginAt(app, 'Alice@example.com', LOGINS.alice.password), 60);
  });

  it('another account from the same address is not affected', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 10);
    expect((await loginAt(app, LOGINS.bob.email, LOGINS.bob.password)).status).toBe(200);
    await failLogins(app, LOGINS.bob.email, 9);
    expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), 60);
  });

  it('a success resets the count: 9 failures, a success, 9 failures never wait', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 9);
    const success = await loginAt(app, LOGINS.alice.email, LOGINS.alice.password).expect(200);
    expect(success.headers.ratelimit).toMatch(/^"failures-per-account";r=10,/);
    await failLogins(app, LOGINS.alice.email, 9);
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
  });

  it('200 successful logins in a row are never limited', async () => {
    const { app } = await serve();
    for (let round = 1; round <= 200; round++) {
      const response = await loginAt(app, LOGINS.alice.email, LOGINS.alice.password);
      expect([round, response.status, response.headers['retry-after']]).toEqual([round, 200, undefined]);
    }
  });
});

it('an unknown email counts like a known one: the same statuses, headers and messages, the same lockout', async () => {
  /** Eleven guesses at one email on a server of its own: what each answer shows. */
  async function guesses(email: string) {
    clock.now = START;
    const { app } = await serve();
    const answers = [];
    for (let attempt = 1; attempt <= 11; attempt++) {
      const { status, headers, body } = await loginAt(app, email, WRONG);
      answers.push({ status, retryAfter: headers['retry-after'], rateLimit: headers.ratelimit, body });
    }
    return answers;
  }
  const known = await guesses(LOGINS.alice.email);
  const unknown = await guesses(GHOST);
  expect(unknown).toEqual(known);
  expect(known.map(({ status }) => status)).toEqual([...Array<number>(10).fill(401), 429]);
});

it('the address-wide limit: 100 failures within 15 minutes, whatever the accounts, and the address waits out the window', async () => {
  const { app } = await serve();
  // One failure each for 100 emails, a second apart: no account reaches its own limit.
  for (let index = 0; index < 100; index++) {
    const response = await loginAt(app, `guess${index}@example.com`, WRONG);
    expect([index, response.status]).toEqual([index, 401]);
    if (index < 99) passSeconds(1);
  }
  // The window opened with the first failure, 99 s ago: 801 s of it are left, for every account, the right password too.
  const held = await loginAt(app, LOGINS.bob.email, LOGINS.bob.password);
  expectWait(held, 801, /failed logins from your address, whatever the account/);
  expect(held.headers.ratelimit).toBe('"failures-per-account";r=10, "failures-per-address";r=0;t=801');
  // Registration is not limited (issue 15): a new account is no guess at an old one.
  expect((await request(app).post('/auth/register').send({ email: 'carol@example.com', password: 'carol-pass-1' })).status).toBe(201);
  passSeconds(800);
  expectWait(await loginAt(app, LOGINS.admin.email, LOGINS.admin.password), 1, /whatever the account/);
  passSeconds(1);
  expect((await loginAt(app, LOGINS.bob.email, LOGINS.bob.password)).status).toBe(200);
});

it('/auth/login, /login, /signin and POST /auth/password share one count for the account', async () => {
  const { app } = await serve();
  const token = (await loginAt(app, LOGINS.alice.email, LOGINS.alice.password).expect(200)).body.accessToken as string;
  const changePassword = (currentPassword: string) =>
    request(app).post('/auth/password').set('Authorization', `Bearer ${token}`).send({ currentPassword, newPassword: 'a-new-password-1' });
  await failLogins(app, LOGINS.alice.email, 3, '/auth/login');
  await failLogins(app, LOGINS.alice.email, 3, '/login');
  await failLogins(app, LOGINS.alice.email, 3, '/signin');
  expect((await changePassword(WRONG)).status).toBe(403); // the 10th failure
  expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password, '/login'), 60);
  expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password, '/signin'), 60);
  // A token thief who guessed right during the wait changes nothing: the old password still opens the account after it.
  expectWait(await changePassword(LOGINS.alice.password), 60);
  passSeconds(60);
  expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
});

describe("the provider's login form (POST /auth/authorize)", () => {
  /** The login page fetched as a browser would, then the form posted with `email` and `password`: whatever it answers. */
  const postForm = async (app: App, email: string, password: string) =>
    (await signInAtProvider(app, { credentials: { email, password }, answerStatus: 'any' })).answer;

  it('counts with /auth/login and answers 429 with the wait in the page; the right password signs in after it', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 5);
    for (let attempt = 6; attempt <= 10; attempt++) expect([attempt, (await postForm(app, LOGINS.alice.email, WRONG)).status]).toEqual([attempt, 401]);
    const held = await postForm(app, LOGINS.alice.email, LOGINS.alice.password);
    expect(held.status).toBe(429);
    expect(held.headers['content-type']).toMatch(/^text\/html/);
    expect(held.headers['retry-after']).toBe('60');
    expect(held.headers.location).toBeUndefined();
    expect(held.text).toContain('try again in 60 s');
    // The form is still there, for the same request, to send again once the wait is over.
    expect(hiddenFields(held.text)).toMatchObject({ client_id: 'my-spa', state: 's1', csrf_token: expect.any(String) });
    expectWait(await loginAt(app, LOGINS.alice.email, LOGINS.alice.password), 60);
    passSeconds(60);
    expect((await postForm(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(302);
  });
});

describe("the token endpoint: a confidential client's secret", () => {
  const SECRET = 'correct horse battery staple';
  const CLIENTS: ServerOptions['clients'] = [
    { id: 'reporter', secret: SECRET, grants: ['client_credentials'], role: 'reporter' },
    { id: 'ops', secret: 'ops-secret', grants: ['client_credentials'], role: 'reporter' },
  ];
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const grantWithBasic = (app: App, id: string, secret: string) =>
    request(app).post('/auth/token').type('form').set('Authorization', basic(id, secret)).send({ grant_type: 'client_credentials' });
  const grantWithPost = (app: App, id: string, secret: string) =>
    request(app).post('/auth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: secret });

  it('10 wrong secrets (Basic or in the body alike), then 429 too_many_requests for the right one; other clients go on', async () => {
    const { app } = await serve({ alg: 'RS256', clients: CLIENTS });
    for (let attempt = 1; attempt <= 10; attempt++) {
      const response = await (attempt % 2 ? grantWithBasic : grantWithPost)(app, 'reporter', 'wrong-secret');
      expect([attempt, response.status, response.body.error]).toEqual([attempt, 401, 'invalid_client']);
    }
    const held = await grantWithBasic(app, 'reporter', SECRET);
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(held.headers.ratelimit).toMatch(/^"failures-per-account";r=0;t=60, /);
    expect(held.body).toEqual({ error: 'too_many_requests', error_description: expect.stringContaining('try again in 60 s') });
    expect(held.body.error_description).toMatch(/attempts with this client's secret/);
    expect((await grantWithPost(app, 'reporter', SECRET)).status).toBe(429);
    expect((await grantWithBasic(app, 'ops', 'ops-secret')).status).toBe(200);
    // A person's account of that name is another subject: a client's lockout is not a login's.
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
    passSeconds(60);
    expect((await grantWithBasic(app, 'reporter', SECRET)).status).toBe(200);
  });
});

it("rateLimit: 'off' never limits: past both limits, the right password still works, and no RateLimit headers", async () => {
  const { app } = await serve({ rateLimit: 'off' });
  await failLogins(app, LOGINS.alice.email, 30);
  for (let index = 0; index < 100; index++) expect((await loginAt(app, `guess${index}@example.com`, WRONG)).status).toBe(401);
  const success = await loginAt(app, LOGINS.alice.email, LOGINS.alice.password).expect(200);
  expect(success.headers).not.toHaveProperty('ratelimit');
  expect(success.headers).not.toHaveProperty('ratelimit-policy');
});

describe('reset clears the counters', () => {
  it('reset() of the library: a waiting pair logs in at once', async () => {
    const api = await serve();
    await failLogins(api.app, LOGINS.alice.email, 10);
    expectWait(await loginAt(api.app, LOGINS.alice.email, LOGINS.alice.password), 60);
    await api.reset();
    const success = await loginAt(api.app, LOGINS.alice.email, LOGINS.alice.password).expect(200);
    expect(success.headers.ratelimit).toBe('"failures-per-account";r=10, "failures-per-address";r=100;t=900');
  });

  it("POST /__reset (allowReset, an admin's token): a waiting pair and a waiting address log in at once", async () => {
    const { app } = await serve({ allowReset: true, rateLimit: 'ip=15/15m' });
    const admin = (await loginAt(app, LOGINS.admin.email, LOGINS.admin.password).expect(200)).body.accessToken as string;
    await failLogins(app, LOGINS.alice.email, 10);
    await failLogins(app, GHOST, 5);
    expectWait(await loginAt(app, LOGINS.bob.email, LOGINS.bob.password), 900, /whatever the account/);
    await request(app).post('/__reset').set('Authorization', `Bearer ${admin}`).expect(204);
    expect((await loginAt(app, LOGINS.alice.email, LOGINS.alice.password)).status).toBe(200);
    expect((await loginAt(app, LOGINS.bob.email, LOGINS.bob.password)).status).toBe(200);
  });
});

describe('the RateLimit-Policy and RateLimit headers (draft-ietf-httpapi-ratelimit-headers)', () => {
  it('name both quotas, and count down what remains and when it resets', async () => {
    const { app } = await serve();
    const first = await loginAt(app, LOGINS.alice.email, WRONG).expect(401);
    expect(first.headers['ratelimit-policy']).toBe('"failures-per-account";q=10, "failures-per-address";q=100;w=900');
    expect(first.headers.ratelimit).toBe('"failures-per-account";r=9, "failures-per-address";r=99;t=900');
    passSeconds(100);
    await failLogins(app, LOGINS.alice.email, 8);
    const tenth = await loginAt(app, LOGINS.alice.email, WRONG).expect(401);
    expect(tenth.headers.ratelimit).toBe('"failures-per-account";r=0;t=60, "failures-per-address";r=90;t=800');
    passSeconds(15);
    const held = await loginAt(app, LOGINS.alice.email, LOGINS.alice.password).expect(429);
    expect(held.headers['ratelimit-policy']).toBe('"failures-per-account";q=10, "failures-per-address";q=100;w=900');
    expect(held.headers.ratelimit).toBe('"failures-per-account";r=0;t=45, "failures-per-address";r=90;t=785');
    // Another account from the address: its own quota whole, the address's shared.
    const other = await loginAt(app, LOGINS.bob.email, WRONG).expect(401);
    expect(other.headers.ratelimit).toBe('"failures-per-account";r=9, "failures-per-address";r=89;t=785');
  });

  it('a browser app may read them, and Retry-After, from a 429 (CORS exposes them)', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 10);
    const held = await loginAt(app, LOGINS.alice.email, LOGINS.alice.password).set('Origin', 'http://localhost:5173').expect(429);
    const exposed = String(held.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy']));
  });

  it('show only the limits in force when one is off', async () => {
    const { app } = await serve({ rateLimit: 'login=5/10m,ip=off' });
    const response = await loginAt(app, LOGINS.alice.email, WRONG).expect(401);
    expect(response.headers['ratelimit-policy']).toBe('"failures-per-account";q=5');
    expect(response.headers.ratelimit).toBe('"failures-per-account";r=4');
  });
});

describe('guesses sent all at once (red team: each was checked before any was counted)', () => {
  it('are held to the count left: with 3 failures to go, 3 of 50 parallel guesses are checked, the rest wait', async () => {
    const { app } = await serve();
    await failLogins(app, LOGINS.alice.email, 7);
    const guesses = [...Array.from({ length: 49 }, () => WRONG), LOGINS.alice.password];
    const statuses = (await Promise.all(guesses.map((password) => loginAt(app, LOGINS.alice.email, password)))).map(({ status }) => status);
    expect(statuses.filter((status) => status !== 429)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(47);
  });

  it('are held to the address count across accounts: 150 parallel guesses at 150 emails, 100 checked', async () => {
    const { app } = await serve();
    const answers = await Promise.all(Array.from({ length: 150 }, (_, index) => loginAt(app, `user${index}@example.com`, WRONG)));
    const statuses = answers.map(({ status }) => status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(100);
    expect(statuses.filter((status) => status === 429)).toHaveLength(50);
  });

  it('never hold back parallel successful logins below the limits', async () => {
    const { app } = await serve();
    const answers = await Promise.all(Array.from({ length: 30 }, () => loginAt(app, LOGINS.bob.email, LOGINS.bob.password)));
    expect(answers.map(({ status }) => status)).toEqual(Array<number>(30).fill(200));
  });
});
