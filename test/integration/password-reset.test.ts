/**
 * Password reset (issue 16, README "Password reset and email verification") through the whole app: forgot-password
 * answers alike for every email and mails a link later, the link's token is 256-bit, hashed on disk, single use, 30
 * minutes on the injected clock, for its account only; a reset ends every session of the account. The mails are read
 * from the outbox (README "The outbox"), and once as the .eml file on disk, with a mail parser.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import type { StoredMail } from '../../src/mail/outbox';
import { loginPair, pollUntil, requestAs, SAMPLE_LOGINS, useServer } from '../support';

type App = FakeJwtApi['app'];

const START = Date.UTC(2030, 0, 1);
const clock = { now: START };
const passMs = (ms: number) => (clock.now += ms);
const MINUTE = 60_000;
beforeEach(() => (clock.now = START));

const { project, serve } = useServer({ defaults: { now: () => clock.now } });

const { admin, alice, bob } = SAMPLE_LOGINS;
const GHOST = 'nobody@example.com';
const NEW_PASSWORD = 'a brand new password';
const TOKEN = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

function forgot(app: App, email: string, host?: string): request.Test {
  const sent = request(app).post('/auth/forgot-password');
  if (host !== undefined) sent.set('Host', host);
  return sent.send({ email });
}
const resetWith = (app: App, token: unknown, password = NEW_PASSWORD) => request(app).post('/auth/reset-password').send({ token, password });
const loginStatus = async (app: App, email: string, password: string) => (await request(app).post('/auth/login').send({ email, password })).status;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** The mails to `email`, newest first, once there are `count`: the mail is written after the 202 went. */
async function mailsTo(api: FakeJwtApi, email: string, count = 1): Promise<StoredMail[]> {
  const mails = await pollUntil(
    () => api.outbox.list({ to: email }),
    (found) => found.length >= count,
  );
  expect(mails).toHaveLength(count);
  return mails;
}

/** Forgot-password for `email`, and the token of the link it mails. */
async function resetToken(api: FakeJwtApi, email = alice.email): Promise<string> {
  const before = (await api.outbox.list({ to: email })).length;
  await forgot(api.app, email).expect(202);
  return tokenOf((await mailsTo(api, email, before + 1))[0].links[0]);
}

/**
 * Waits until the mail work of the forgot requests sent so far is over: a forgot for the admin goes after them, and
 * its mail is written last (each request's work is the same steps, begun in order, and a mail is the last of them).
 * Only then may a test say that no mail was sent. Once a test: the admin, too, is mailed once a minute.
 */
async function afterEarlierMailWork(api: FakeJwtApi): Promise<void> {
  const before = (await api.outbox.list({ to: admin.email })).length;
  await forgot(api.app, admin.email).expect(202);
  await mailsTo(api, admin.email, before + 1);
}

/** The answer to a used, expired, unknown or foreign token: one, so it never says which. */
async function deadLinkAnswer(app: App): Promise<{ status: number; body: unknown }> {
  const { status, body } = await resetWith(app, 'A'.repeat(43));
  expect(status).toBe(400);
  expect(body.error).toBe('invalid_grant');
  return { status, body };
}
async function expectDeadLink(app: App, token: string): Promise<void> {
  const { status, body } = await resetWith(app, token);
  expect({ status, body }).toEqual(await deadLinkAnswer(app));
}

describe('POST /auth/forgot-password', () => {
  it('answers 202 with the same body for a known and an unknown email, and mails the known one only', async () => {
    const api = await serve();
    const known = await forgot(api.app, alice.email).expect(202);
    const unknown = await forgot(api.app, GHOST).expect(202);
    expect(unknown.body).toEqual(known.body);
    expect(unknown.headers['content-type']).toBe(known.headers['content-type']);
    expect(known.body.message).toEqual(expect.any(String));

    await mailsTo(api, alice.email);
    await afterEarlierMailWork(api);
    expect(await api.outbox.list({ to: GHOST })).toEqual([]);
    expect((await api.outbox.list()).map((mail) => mail.to).sort()).toEqual([admin.email, alice.email]);
  });

  it("mails a link to this server's reset page, at the Host the request used; the .eml file on disk parses as that mail", async () => {
    const api = await serve();
    await forgot(api.app, alice.email, 'localhost:4567').expect(202);
    const [stored] = await mailsTo(api, alice.email);

    const eml = readFileSync(path.join(project.dir, '.fake-jwt-api', 'outbox', `${stored.id}.eml`));
    const mail = await simpleParser(eml);
    expect(mail.subject).toBe('Reset your password');
    expect((Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0].address).toBe(alice.email);
    expect(mail.from?.value[0].address).toBe('no-reply@fake-jwt-api.local');
    expect(mail.date?.getTime()).toBe(START);
    const link = /https?:\/\/\S+\?token=\S+/.exec(mail.text ?? '')?.[0] ?? '';
    // The host name the request used (this server's: localhost), the port the server listens on (not the Host's).
    expect(link).toMatch(/^http:\/\/localhost:\d+\/auth\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
    expect(link).not.toContain(':4567');
    expect(mail.html).toContain(`href="${link}"`);
    expect(stored.links).toEqual([link]);

    // The link from the file works, once.
    await resetWith(api.app, tokenOf(link)).expect(204);
    expect(await loginStatus(api.app, alice.email, NEW_PASSWORD)).toBe(200);
  });

  it('has the mail in the outbox as soon as the 202 came: api.outbox.latest(email) waits for it, without polling', async () => {
    const api = await serve();
    await forgot(api.app, alice.email).expect(202);
    expect(await api.outbox.latest(alice.email)).toMatchObject({ to: alice.email, subject: 'Reset your password' });
    await forgot(api.app, 'nobody@example.com').expect(202);
    expect(await api.outbox.latest('nobody@example.com')).toBeUndefined();
  });

  it('never takes the link from a Host header as sent: a foreign name becomes localhost, and the port is the server’s', async () => {
    const api = await serve();
    for (const host of ['6.6.6.6:8080', '[::1]:9999', 'localhost:9999']) {
      await request(api.app).post('/auth/forgot-password').set('Host', host).send({ email: alice.email }).expect(202);
      const mail = await api.outbox.latest(alice.email);
      const link = new URL(mail!.links[0]);
      expect([host, link.hostname]).toEqual([host, host.startsWith('[::1]') ? '[::1]' : 'localhost']);
      expect([host, link.port]).not.toEqual([host, host.split(':').pop()]);
      passMs(60_000); // one mail a minute
    }
  });

  it('dies, with every other reset link of the account, once the password changed (another link, POST /auth/password)', async () => {
    const api = await serve();
    const first = await resetToken(api);
    passMs(60_000);
    const second = await resetToken(api);
    await resetWith(api.app, second).expect(204);
    await resetWith(api.app, first, 'yet-another-password').expect(400);
    passMs(60_000);
    const third = await resetToken(api);
    const token = (await request(api.app).post('/auth/login').send({ email: alice.email, password: NEW_PASSWORD }).expect(200)).body.accessToken;
    await request(api.app)
      .post('/auth/password')
      .set('Authorization', `Bearer ${token}`)
      .send({ currentPassword: NEW_PASSWORD, newPassword: 'changed-by-hand' })
      .expect(204);
    await resetWith(api.app, third, 'yet-another-password').expect(400);
  });

  it('mails --reset-url with the token in it', async () => {
    const api = await serve({ resetUrl: 'http://localhost:5173/reset?token={token}' });
    await forgot(api.app, alice.email).expect(202);
    const [link] = (await mailsTo(api, alice.email))[0].links;
    expect(link).toMatch(/^http:\/\/localhost:5173\/reset\?token=[A-Za-z0-9_-]{43}$/);
    await resetWith(api.app, tokenOf(link)).expect(204);
  });

  it('keeps only the hash of the token in account-tokens.json', async () => {
    const api = await serve();
    const token = await resetToken(api);
    expect(token).toMatch(TOKEN);
    const file = project.read('.fake-jwt-api/account-tokens.json');
    expect(file).not.toContain(token);
    expect(file).toContain(createHash('sha256').update(token).digest('base64url'));
  });

  it('mails one account at most once a minute: a second request within 60 s is a 202 without a mail, after 60 s a new mail', async () => {
    const api = await serve();
    const first = await resetToken(api);
    passMs(59_999);
    await forgot(api.app, alice.email).expect(202);
    await afterEarlierMailWork(api);
    expect(await api.outbox.list({ to: alice.email })).toHaveLength(1);

    passMs(1);
    const second = await resetToken(api);
    expect(second).not.toBe(first);
    expect(await api.outbox.list({ to: alice.email })).toHaveLength(2);
  });

  it('mails again right after reset(), as a new test of a suite expects', async () => {
    const api = await serve({ allowReset: true });
    await resetToken(api);
    await api.reset();
    await forgot(api.app, alice.email).expect(202);
    await afterEarlierMailWork(api);
    expect(await api.outbox.list({ to: alice.email })).toHaveLength(1);
  });

  it.each([
    ['a known email', alice.email],
    ['an unknown email', GHOST],
  ])('holds back the 11th request for %s from one address with a 429', async (_name, email) => {
    const api = await serve();
    for (let attempt = 1; attempt <= 10; attempt++) expect([attempt, (await forgot(api.app, email)).status]).toEqual([attempt, 202]);
    const held = await forgot(api.app, email);
    expect(held.status).toBe(429);
    expect(held.headers['retry-after']).toBe('60');
    expect(held.body).toEqual({ error: 'too_many_requests', message: expect.stringContaining('password-reset requests for this email') });
    // Another email, and the login of this one, are counted apart.
    await forgot(api.app, bob.email).expect(202);
    expect(await loginStatus(api.app, alice.email, alice.password)).toBe(200);
    passMs(MINUTE);
    await forgot(api.app, email).expect(202);
  });
});

describe('POST /auth/reset-password', () => {
  it("sets the password and ends every session of the account, and no other account's", async () => {
    const api = await serve();
    const [alicePair, bobPair] = [await loginPair(api.app, alice.email, alice.password), await loginPair(api.app, bob.email, bob.password)];
    const token = await resetToken(api);

    const reset = await resetWith(api.app, token).expect(204);
    expect(reset.text).toBe('');
    expect(await loginStatus(api.app, alice.email, alice.password)).toBe(401);
    expect(await loginStatus(api.app, alice.email, NEW_PASSWORD)).toBe(200);
    expect((await requestAs(api.app, alicePair.accessToken, 'GET', '/auth/me')).status).toBe(401);
    const refused = await request(api.app).post('/auth/refresh').send({ refreshToken: alicePair.refreshToken });
    expect(refused.status).toBe(401);
    expect(refused.body.accessToken).toBeUndefined();

    await requestAs(api.app, bobPair.accessToken, 'GET', '/auth/me').expect(200);
    await request(api.app).post('/auth/refresh').send({ refreshToken: bobPair.refreshToken }).expect(200);
    expect(await loginStatus(api.app, bob.email, bob.password)).toBe(200);
  });

  it('works once: the second use is the answer to an unknown token', async () => {
    const api = await serve();
    const token = await resetToken(api);
    await resetWith(api.app, token).expect(204);
    await expectDeadLink(api.app, token);
    expect(await loginStatus(api.app, alice.email, NEW_PASSWORD)).toBe(200); // the refused use changed nothing
  });

  it('still works at 29:59', async () => {
    const api = await serve();
    const token = await resetToken(api);
    passMs(30 * MINUTE - 1000);
    await resetWith(api.app, token).expect(204);
  });

  it('is dead at 30:00, with the answer to an unknown token', async () => {
    const api = await serve();
    const token = await resetToken(api);
    passMs(30 * MINUTE);
    await expectDeadLink(api.app, token);
    expect(await loginStatus(api.app, alice.email, alice.password)).toBe(200);
  });

  it('resets the account the token was mailed for, whatever else the body names', async () => {
    const api = await serve();
    const token = await resetToken(api);
    await request(api.app).post('/auth/reset-password').send({ token, password: NEW_PASSWORD, email: bob.email, id: 3, userId: 3 }).expect(204);
    expect(await loginStatus(api.app, bob.email, bob.password)).toBe(200);
    expect(await loginStatus(api.app, bob.email, NEW_PASSWORD)).toBe(401);
    expect(await loginStatus(api.app, alice.email, NEW_PASSWORD)).toBe(200);
  });

  it("is dead once the account's email changed after the mail", async () => {
    const api = await serve();
    const token = await resetToken(api);
    const { accessToken } = await loginPair(api.app, alice.email, alice.password);
    await requestAs(api.app, accessToken, 'PATCH', '/auth/me', { email: 'alice.new@example.com', currentPassword: alice.password }).expect(200);
    await expectDeadLink(api.app, token);
    expect(await loginStatus(api.app, 'alice.new@example.com', alice.password)).toBe(200);
  });

  it('applies the password rules of registration, and a refused password does not spend the token', async () => {
    const api = await serve();
    const token = await resetToken(api);
    for (const password of ['short', '', 'x'.repeat(1025), 12345678]) {
      const refused = await resetWith(api.app, token, password as string);
      expect([password, refused.status, refused.body.error]).toEqual([password, 400, 'invalid_request']);
    }
    expect(await loginStatus(api.app, alice.email, alice.password)).toBe(200);
    await resetWith(api.app, token).expect(204);
  });

  it('answers a missing token 400, and a token that is not one like an unknown one', async () => {
    const api = await serve();
    expect((await request(api.app).post('/auth/reset-password').send({ password: NEW_PASSWORD }).expect(400)).body.error).toBe('invalid_request');
    for (const token of ['', 'abc', 42, ['x'], { $ne: null }, 'A'.repeat(44)]) {
      const { status, body } = await resetWith(api.app, token);
      expect([token, status, body.error]).toEqual([token, 400, 'invalid_grant']);
    }
  });

  it('is dead after reset (POST /__reset): the tokens and the outbox are cleared', async () => {
    const api = await serve({ allowReset: true });
    const token = await resetToken(api);
    await requestAs(api.app, (await loginPair(api.app, admin.email, admin.password)).accessToken, 'POST', '/__reset').expect(204);
    expect(await api.outbox.list()).toEqual([]);
    expect(project.read('.fake-jwt-api/account-tokens.json')).not.toContain(createHash('sha256').update(token).digest('base64url'));
    await expectDeadLink(api.app, token);
  });

  it('still works after a restart on the same folder', async () => {
    const first = await serve();
    const token = await resetToken(first);
    await first.close();
    const second = await serve();
    await resetWith(second.app, token).expect(204);
    expect(await loginStatus(second.app, alice.email, NEW_PASSWORD)).toBe(200);
  });
});

describe("the server's reset page", () => {
  const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];

  it('is a form with the token in a hidden field, not cached, under a CSP with a nonce', async () => {
    const api = await serve();
    const token = await resetToken(api);
    const page = await request(api.app).get(`/auth/reset-password?token=${token}`).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    const nonce = nonceOf(page.headers['content-security-policy']);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.text).toContain(`nonce="${nonce}"`);
    expect(page.text).toContain(`<input type="hidden" name="token" value="${token}">`);
    expect(page.text).toMatch(/<form method="post" action="\/auth\/reset-password"/);
  });

  it('escapes a hostile token', async () => {
    const api = await serve();
    const hostile = '"><script>alert(1)</script><input value="';
    const page = await request(api.app).get('/auth/reset-password').query({ token: hostile }).expect(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('"><script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it("posts its form: the password changed page, then the same token's 400 page with the reason", async () => {
    const api = await serve();
    const token = await resetToken(api);
    const form = () => request(api.app).post('/auth/reset-password').type('form').send({ token, password: NEW_PASSWORD });

    const done = await form().expect(200);
    expect(done.headers['content-type']).toMatch(/^text\/html/);
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.text).toContain('Password changed');
    expect(await loginStatus(api.app, alice.email, NEW_PASSWORD)).toBe(200);

    const dead = await form().expect(400);
    expect(dead.headers['content-type']).toMatch(/^text\/html/);
    expect(dead.text).toContain('role="alert"');
    expect(dead.text).toContain(((await deadLinkAnswer(api.app)).body as { message: string }).message);
    expect(dead.text).toContain(`value="${token}"`); // the form again, to try another link's token
  });

  it("shows a short password's reason on the page, and the token still works", async () => {
    const api = await serve();
    const token = await resetToken(api);
    const short = await request(api.app).post('/auth/reset-password').type('form').send({ token, password: 'short' }).expect(400);
    expect(short.text).toContain('at least 8 characters');
    await request(api.app).post('/auth/reset-password').type('form').send({ token, password: NEW_PASSWORD }).expect(200);
  });
});
