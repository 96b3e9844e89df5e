/**
 * Red team, round two, on the account flows (README "Password reset and email verification", "Email verification",
 * "The outbox"), through the whole app. Each attack, as it worked before its fix:
 *
 * - F1: under --require-verified-email, a session whose account's email was no longer verified (changed by PATCH
 *   /auth/me or an admin, unverified in users.json by hand, or the flag turned on at a restart) was refused at
 *   /auth/refresh but refreshed on at the OpenID provider's token endpoint (grant_type=refresh_token).
 * - F8: that refusal spent the refresh token: once the user followed the new link, the session could not go on.
 * - F2/F3: a reset link outlived a password set outside the reset routes: users.json edited by hand, while the
 *   server ran or while it was down. The link took the account over from whoever had changed the password.
 * - F5: the once-a-minute mail limit was per account and email: cycling PATCH /auth/me through addresses mailed each
 *   of them at once (any inbox, as often as wanted), and an account's new email got a reset mail at once. Now an
 *   account gets a kind of mail at one address once a minute, and at two addresses at most (a typo fixed right after
 *   registering is still mailed), whatever its email was or is.
 * - F9: a link was bound to (account, email): changing the email away and back revived the reset and verification
 *   links mailed before the change.
 * - F7: with --allow-reset the outbox, which holds every reset link (the admin's too), was open without a token to
 *   anyone who reached the server (--host 0.0.0.0, a classroom's LAN).
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import request from 'supertest';
import { hashPassword } from '../../src/accounts/passwords';
import type { FakeJwtApi } from '../../src/app/create-server';
import { DEFAULT_REUSE_INTERVAL_MS } from '../../src/sessions/rotation';
import { PROVIDER_CLIENT, requestAs, SAMPLE_DB, SAMPLE_LOGINS, SAMPLE_USERS, signInAtProvider, useServer } from '../support';

type App = FakeJwtApi['app'];
type Login = { email: string; password: string };
type StoredAccount = Record<string, unknown>;

const START = Date.UTC(2030, 0, 1);
const clock = { now: START };
const passMs = (ms: number) => (clock.now += ms);
const MINUTE = 60_000;
// A refresh token presented again within this interval gets the pair it was rotated to (a retry): past it, a reuse.
const PAST_REUSE_INTERVAL = DEFAULT_REUSE_INTERVAL_MS + 1;
beforeEach(() => (clock.now = START));

const { admin, alice, bob } = SAMPLE_LOGINS;
// Written by hand as unverified: alice, bob and admin are verified (no field).
const carol = { email: 'carol@example.com', password: 'carol123' };
const USERS = [...SAMPLE_USERS, { id: 4, ...carol, emailVerified: false }];
const { project, serve } = useServer({ files: { 'db.json': SAMPLE_DB, 'users.json': USERS }, defaults: { now: () => clock.now } });

const NEW_PASSWORD = 'a brand new password';
const RESET = 'Reset your password';
const VERIFY = 'Verify your email';

const loginWith = (app: App, who: Login) => request(app).post('/auth/login').send(who);
const sessionOf = async (app: App, who: Login) => (await loginWith(app, who).expect(200)).body as { accessToken: string; refreshToken: string };
const refreshAt = (app: App, refreshToken: string) => request(app).post('/auth/refresh').send({ refreshToken });
const refreshGrant = (app: App, refreshToken: string, clientId?: string) =>
  request(app)
    .post('/auth/token')
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(clientId === undefined ? {} : { client_id: clientId }) });
const patchMe = (app: App, token: string, body: object) => requestAs(app, token, 'PATCH', '/auth/me', body);
/** An email change by the account's owner: with the password, as PATCH /auth/me asks for a new email. */
const changeEmail = (app: App, token: string, who: Login, email: string) => patchMe(app, token, { email, currentPassword: who.password });
const NOTICE = 'Your email was changed';
const forgot = (app: App, email: string) => request(app).post('/auth/forgot-password').send({ email });
const resend = (app: App, email: string) => request(app).post('/auth/verify-email/resend').send({ email });

/**
 * A request that may queue a mail, answered, and its mail work done: the work reads the account when it runs, so a
 * second email change sent before it ran would be the address it mails. A user's clicks are seconds apart.
 */
async function andMailed(api: FakeJwtApi, answer: PromiseLike<unknown>): Promise<void> {
  await answer;
  await api.outbox.settled();
}
const resetWith = (app: App, token: string, password = NEW_PASSWORD) => request(app).post('/auth/reset-password').send({ token, password });
const verifyWith = (app: App, token: string) => request(app).post('/auth/verify-email').send({ token });
const me = async (app: App, token: string) => (await requestAs(app, token, 'GET', '/auth/me').expect(200)).body;
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** How many mails of this subject went to `to`: the outbox waits for the mails queued so far. */
const mailCount = async (api: FakeJwtApi, to: string, subject: string) => (await api.outbox.list({ to })).filter((mail) => mail.subject === subject).length;

/** The token of the newest mail to `to`, which must be of this subject. */
async function linkTokenIn(api: FakeJwtApi, to: string, subject: string): Promise<string> {
  const mail = await api.outbox.latest(to);
  expect({ to, subject: mail?.subject }).toEqual({ to, subject });
  return tokenOf(mail!.links[0]);
}

/** Forgot-password for `email`, and the token of the link it mails. */
async function resetLink(api: FakeJwtApi, email: string): Promise<string> {
  const before = await mailCount(api, email, RESET);
  await forgot(api.app, email).expect(202);
  expect(await mailCount(api, email, RESET)).toBe(before + 1);
  return linkTokenIn(api, email, RESET);
}

/** A used, expired, unknown or outdated link gets one answer, never saying which; the password stays as it was. */
async function expectDeadResetLink(app: App, token: string): Promise<void> {
  const dead = await resetWith(app, token);
  const unknown = await resetWith(app, randomBytes(32).toString('base64url'));
  expect({ status: unknown.status, error: unknown.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
  expect({ status: dead.status, body: dead.body }).toEqual({ status: unknown.status, body: unknown.body });
}
async function expectDeadVerifyLink(app: App, token: string): Promise<void> {
  const dead = await verifyWith(app, token);
  const unknown = await verifyWith(app, randomBytes(32).toString('base64url'));
  expect({ status: unknown.status, error: unknown.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
  expect({ status: dead.status, body: dead.body }).toEqual({ status: unknown.status, body: unknown.body });
  const page = await request(app).get(`/auth/verify-email?token=${token}`);
  expect({ status: page.status, verified: page.text.includes('Email verified') }).toEqual({ status: 400, verified: false });
}

/** users.json as a person would edit it: read, change one account, write back. */
function editUsersByHand(email: string, change: (account: StoredAccount) => StoredAccount): void {
  const users = project.json('users.json') as StoredAccount[];
  expect(users.some((account) => account.email === email)).toBe(true);
  project.write(
    'users.json',
    users.map((account) => (account.email === email ? change({ ...account }) : account)),
  );
}

/** The provider's authorization-code flow (login form, code, PKCE), with offline_access: its tokens. */
async function providerTokens(app: App, who: Login): Promise<{ access_token: string; refresh_token: string }> {
  const signedIn = await signInAtProvider(app, { scope: 'openid email offline_access', credentials: who });
  const tokens = (await signedIn.exchange().expect(200)).body;
  expect(tokens.refresh_token).toEqual(expect.any(String));
  return tokens;
}

/** Both refresh paths refuse `refreshToken` (and the provider's `oidcRefresh`) for an unverified email; the sentence. */
async function expectRefusedAsUnverified(app: App, refreshToken: string, oidcRefresh: string | undefined, email: string): Promise<void> {
  const refused = await refreshAt(app, refreshToken);
  expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 403, error: 'email_not_verified' });
  expect(refused.body.message).toContain(`The email ${email} is not verified`);
  expect(refused.body).not.toHaveProperty('accessToken');
  const grants = [await refreshGrant(app, refreshToken), ...(oidcRefresh === undefined ? [] : [await refreshGrant(app, oidcRefresh, PROVIDER_CLIENT)])];
  for (const grant of grants) {
    expect({ status: grant.status, body: grant.body }).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: refused.body.message } });
  }
  // Whatever comes next comes past the reuse interval: a token a refusal had spent would be a reuse then, not a retry.
  passMs(PAST_REUSE_INTERVAL);
}

describe('red team, round two', () => {
  describe('F1, F8: a session whose email is no longer verified, under --require-verified-email', () => {
    it('is refused by the provider refresh grant as by /auth/refresh, again and again without spending the token; both go on once verified', async () => {
      const api = await serve({ requireVerifiedEmail: true });
      const oidc = await providerTokens(api.app, alice);
      const session = await sessionOf(api.app, alice);
      // The OpenID client's own access token changes the email: an app's "edit profile" page.
      await changeEmail(api.app, oidc.access_token, alice, 'alice2@example.com').expect(200);
      for (let round = 1; round <= 3; round++) await expectRefusedAsUnverified(api.app, session.refreshToken, oidc.refresh_token, 'alice2@example.com');

      await verifyWith(api.app, await linkTokenIn(api, 'alice2@example.com', VERIFY)).expect(200);
      const refreshed = (await refreshAt(api.app, session.refreshToken).expect(200)).body;
      expect(claimsOf(refreshed.accessToken)).toMatchObject({ email: 'alice2@example.com', email_verified: true });
      const granted = (await refreshGrant(api.app, oidc.refresh_token, PROVIDER_CLIENT).expect(200)).body;
      expect(claimsOf(granted.access_token)).toMatchObject({ email: 'alice2@example.com', email_verified: true });
      await refreshGrant(api.app, granted.refresh_token, PROVIDER_CLIENT).expect(200);
      // Now they are spent, as a refresh spends a token: the refusals alone did not.
      passMs(PAST_REUSE_INTERVAL);
      const reused = await refreshAt(api.app, session.refreshToken);
      expect({ status: reused.status, error: reused.body.error }).toEqual({ status: 401, error: 'invalid_grant' });
      expect(reused.body.message).toContain('already used');
      expect((await refreshGrant(api.app, oidc.refresh_token, PROVIDER_CLIENT)).body.error).toBe('invalid_grant');
    });

    it.each([
      ['in the body', false],
      ['in the cookie (--cookie)', true],
    ])('at /auth/refresh alone, a refused refresh token %s is not spent: it works once the new link is followed', async (_where, cookie) => {
      const api = await serve({ requireVerifiedEmail: true, cookie });
      const login = await loginWith(api.app, alice).expect(200);
      const refreshCookie = ([] as string[])
        .concat(login.headers['set-cookie'] ?? [])
        .find((line) => line.startsWith('fja_refresh='))
        ?.split(';')[0];
      const refresh = () =>
        cookie ? request(api.app).post('/auth/refresh').set('Cookie', refreshCookie!).send({}) : refreshAt(api.app, login.body.refreshToken);
      await changeEmail(api.app, login.body.accessToken, alice, 'alice2@example.com').expect(200);
      for (let round = 1; round <= 3; round++) {
        const refused = await refresh();
        expect({ round, status: refused.status, error: refused.body.error }).toEqual({ round, status: 403, error: 'email_not_verified' });
        expect({ round, cookie: refused.headers['set-cookie'] }).toEqual({ round, cookie: undefined }); // nor is the cookie cleared
        passMs(PAST_REUSE_INTERVAL);
      }
      await requestAs(api.app, login.body.accessToken, 'GET', '/auth/me').expect(200); // the session was not ended as a reuse

      await verifyWith(api.app, await linkTokenIn(api, 'alice2@example.com', VERIFY)).expect(200);
      const refreshed = await refresh().expect(200);
      expect(claimsOf(refreshed.body.accessToken)).toMatchObject({ email: 'alice2@example.com', email_verified: true });
    });

    it("is refused when an admin's PATCH /auth/users/:id changed the email; another account's session refreshes on", async () => {
      const api = await serve({ requireVerifiedEmail: true });
      const adminToken = (await sessionOf(api.app, admin)).accessToken;
      const [aliceOidc, bobOidc] = [await providerTokens(api.app, alice), await providerTokens(api.app, bob)];
      const aliceSession = await sessionOf(api.app, alice);
      await requestAs(api.app, adminToken, 'PATCH', '/auth/users/2', { email: 'alice-moved@example.com' }).expect(200);
      await expectRefusedAsUnverified(api.app, aliceSession.refreshToken, aliceOidc.refresh_token, 'alice-moved@example.com');
      await refreshGrant(api.app, bobOidc.refresh_token, PROVIDER_CLIENT).expect(200);

      // The admin changes it back: the email is the old one, but nobody followed a link to it since; still refused.
      await requestAs(api.app, adminToken, 'PATCH', '/auth/users/2', { email: alice.email }).expect(200);
      await expectRefusedAsUnverified(api.app, aliceSession.refreshToken, aliceOidc.refresh_token, alice.email);
    });

    it('is refused when users.json is edited by hand to "emailVerified": false, and refreshes on once a resent link is followed', async () => {
      const api = await serve({ requireVerifiedEmail: true });
      const oidc = await providerTokens(api.app, alice);
      const session = await sessionOf(api.app, alice);
      editUsersByHand(alice.email, (account) => ({ ...account, emailVerified: false }));
      await expectRefusedAsUnverified(api.app, session.refreshToken, oidc.refresh_token, alice.email);

      await resend(api.app, alice.email).expect(202);
      await verifyWith(api.app, await linkTokenIn(api, alice.email, VERIFY)).expect(200);
      await refreshAt(api.app, session.refreshToken).expect(200);
      await refreshGrant(api.app, oidc.refresh_token, PROVIDER_CLIENT).expect(200);
    });

    it('is refused when the server restarts with the flag on a session started without it', async () => {
      const before = await serve();
      const oidc = await providerTokens(before.app, carol);
      const session = await sessionOf(before.app, carol);
      // Without the flag an unverified account refreshes: what refuses below is the flag, not the session.
      const [granted, refreshed] = [
        (await refreshGrant(before.app, oidc.refresh_token, PROVIDER_CLIENT).expect(200)).body,
        (await refreshAt(before.app, session.refreshToken).expect(200)).body,
      ];
      await before.close();

      const api = await serve({ requireVerifiedEmail: true });
      await expectRefusedAsUnverified(api.app, refreshed.refreshToken, granted.refresh_token, carol.email);
      await resend(api.app, carol.email).expect(202);
      await verifyWith(api.app, await linkTokenIn(api, carol.email, VERIFY)).expect(200);
      await refreshGrant(api.app, granted.refresh_token, PROVIDER_CLIENT).expect(200);
      await refreshAt(api.app, refreshed.refreshToken).expect(200);
    });
  });

  describe('F2, F3: a reset link is bound to the password it was mailed against', () => {
    it.each([
      ['another plain-text password', async () => 'typed-by-hand', 'typed-by-hand'],
      ['the hash of another password', () => hashPassword('hashed-by-hand'), 'hashed-by-hand'],
    ])('dies when users.json is edited by hand to %s while the server runs; the link of another account lives', async (_name, written, typed) => {
      const api = await serve();
      const [aliceLink, bobLink] = [await resetLink(api, alice.email), await resetLink(api, bob.email)];
      const password = await written();
      editUsersByHand(alice.email, (account) => ({ ...account, password }));
      await loginWith(api.app, { email: alice.email, password: typed }).expect(200); // the server has the edit

      await expectDeadResetLink(api.app, aliceLink);
      await loginWith(api.app, { email: alice.email, password: typed }).expect(200);
      expect((await loginWith(api.app, { email: alice.email, password: NEW_PASSWORD })).status).toBe(401);
      await resetWith(api.app, bobLink).expect(204);
      await loginWith(api.app, { email: bob.email, password: NEW_PASSWORD }).expect(200);
    });

    it('dies when the password was edited by hand while the server was down', async () => {
      const first = await serve();
      const link = await resetLink(first, alice.email);
      await first.close();
      editUsersByHand(alice.email, (account) => ({ ...account, password: 'set-while-down' }));
      const api = await serve();
      await expectDeadResetLink(api.app, link);
      await loginWith(api.app, { email: alice.email, password: 'set-while-down' }).expect(200);
    });

    it('lives through a hand edit of anything but the password, and through a restart', async () => {
      const first = await serve();
      const link = await resetLink(first, alice.email);
      editUsersByHand(alice.email, (account) => ({ ...account, name: 'Alice, edited by hand', nickname: 'al' }));
      expect((await me(first.app, (await sessionOf(first.app, alice)).accessToken)).name).toBe('Alice, edited by hand');
      await first.close();
      const api = await serve();
      await resetWith(api.app, link).expect(204);
      await loginWith(api.app, { email: alice.email, password: NEW_PASSWORD }).expect(200);
    });

    it("dies on a change through the API (POST /auth/password, another reset link); an admin's PATCH cannot set a password", async () => {
      const api = await serve();
      const adminToken = (await sessionOf(api.app, admin)).accessToken;
      const beforeAdminTry = await resetLink(api, alice.email);
      const refused = await requestAs(api.app, adminToken, 'PATCH', '/auth/users/2', { password: 'chosen-by-the-admin' });
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'invalid_request' });
      expect((await loginWith(api.app, { email: alice.email, password: 'chosen-by-the-admin' })).status).toBe(401);
      await resetWith(api.app, beforeAdminTry, 'after-the-admin-try').expect(204); // the refused PATCH changed nothing

      passMs(MINUTE);
      const beforeChange = await resetLink(api, alice.email);
      const { accessToken } = await sessionOf(api.app, { email: alice.email, password: 'after-the-admin-try' });
      await requestAs(api.app, accessToken, 'POST', '/auth/password', { currentPassword: 'after-the-admin-try', newPassword: 'changed-by-alice' }).expect(204);
      await expectDeadResetLink(api.app, beforeChange);

      passMs(MINUTE);
      const older = await resetLink(api, alice.email);
      passMs(MINUTE);
      await resetWith(api.app, await resetLink(api, alice.email), 'set-by-the-newer-link').expect(204);
      await expectDeadResetLink(api.app, older);
      await loginWith(api.app, { email: alice.email, password: 'set-by-the-newer-link' }).expect(200);
    });

    it('stays dead when the password is set back to the same text: through the API, and by hand as a new hash', async () => {
      const api = await serve();
      const throughApi = await resetLink(api, bob.email);
      const { accessToken } = await sessionOf(api.app, bob);
      await requestAs(api.app, accessToken, 'POST', '/auth/password', { currentPassword: bob.password, newPassword: 'for-a-moment' }).expect(204);
      await requestAs(api.app, accessToken, 'POST', '/auth/password', { currentPassword: 'for-a-moment', newPassword: bob.password }).expect(204);
      await expectDeadResetLink(api.app, throughApi);

      const byHand = await resetLink(api, alice.email);
      editUsersByHand(alice.email, (account) => ({ ...account, password: 'for-a-moment' }));
      await loginWith(api.app, { email: alice.email, password: 'for-a-moment' }).expect(200); // the server saw the change
      const sameTextNewHash = await hashPassword(alice.password);
      editUsersByHand(alice.email, (account) => ({ ...account, password: sameTextNewHash }));
      await loginWith(api.app, alice).expect(200);
      await expectDeadResetLink(api.app, byHand);
      await loginWith(api.app, alice).expect(200);
    });
  });

  describe('F5: few mails of a kind an account a minute, whatever its email: each address once, two addresses at most', () => {
    const mailsSent = async (api: FakeJwtApi) => (await api.outbox.list()).map((mail) => [mail.to, mail.subject]).reverse();

    it('cycling PATCH /auth/me through emails (a→b→c→a→b→c→d) mails two addresses once each in the minute; after 60 s two more', async () => {
      const api = await serve();
      const { accessToken } = await sessionOf(api.app, alice);
      for (const email of ['b@example.com', 'c@example.com', alice.email, 'b@example.com', 'c@example.com', 'd@example.com'])
        await andMailed(api, changeEmail(api.app, accessToken, alice, email).expect(200));
      // The notice goes to alice's verified address once: back from b, it is unverified, and told no more.
      expect(await mailsSent(api)).toEqual([
        [alice.email, NOTICE],
        ['b@example.com', VERIFY],
        ['c@example.com', VERIFY],
      ]);

      passMs(MINUTE - 1);
      await andMailed(api, changeEmail(api.app, accessToken, alice, 'e@example.com').expect(200));
      expect(await mailCount(api, 'e@example.com', VERIFY)).toBe(0);
      passMs(1);
      for (const email of ['f@example.com', 'g@example.com', 'h@example.com', 'f@example.com'])
        await andMailed(api, changeEmail(api.app, accessToken, alice, email).expect(200));
      expect((await mailsSent(api)).slice(3)).toEqual([
        ['f@example.com', VERIFY],
        ['g@example.com', VERIFY],
      ]);
    });

    it('a fresh registration cannot mail a list of strangers, by PATCH /auth/me or resend; another account is mailed at once', async () => {
      const api = await serve();
      const mallory = { email: 'mallory@example.com', password: 'mallory-pass' };
      const { accessToken } = (await request(api.app).post('/auth/register').send(mallory).expect(201)).body;
      const strangers = ['v1@example.net', 'v2@example.net', 'v3@example.net', 'v4@example.net'];
      for (const email of strangers) {
        await andMailed(api, changeEmail(api.app, accessToken, mallory, email).expect(200));
        await andMailed(api, resend(api.app, email).expect(202));
        await andMailed(api, resend(api.app, email.toUpperCase()).expect(202));
      }
      // The registration's address and the first stranger's (an email fixed right after registering is mailed): no more.
      // No notice either: an address never verified may be a stranger's, and is not told of the change.
      expect(await mailsSent(api)).toEqual([
        ['mallory@example.com', VERIFY],
        ['v1@example.net', VERIFY],
      ]);

      const bobToken = (await sessionOf(api.app, bob)).accessToken;
      await andMailed(api, changeEmail(api.app, bobToken, bob, 'bob2@example.com').expect(200));
      expect(await mailCount(api, 'bob2@example.com', VERIFY)).toBe(1);
      passMs(MINUTE);
      await andMailed(api, resend(api.app, strangers[3]).expect(202));
      expect(await mailCount(api, strangers[3], VERIFY)).toBe(1);
    });

    it('forgot-password follows an email changed within the minute to one new address only, once; after 60 s it mails again', async () => {
      const api = await serve();
      await resetLink(api, alice.email);
      const { accessToken } = await sessionOf(api.app, alice);
      await andMailed(api, changeEmail(api.app, accessToken, alice, 'alice2@example.com').expect(200));
      // Kinds are counted apart: the new email's verification mail went, though a reset mail went a moment ago.
      expect(await mailCount(api, 'alice2@example.com', VERIFY)).toBe(1);
      await andMailed(api, forgot(api.app, 'alice2@example.com').expect(202));
      await andMailed(api, forgot(api.app, 'alice2@example.com').expect(202));
      for (const email of ['alice3@example.com', alice.email]) {
        await andMailed(api, changeEmail(api.app, accessToken, alice, email).expect(200));
        await andMailed(api, forgot(api.app, email).expect(202));
      }
      expect(await Promise.all(['alice2@example.com', 'alice3@example.com', alice.email].map((to) => mailCount(api, to, RESET)))).toEqual([1, 0, 1]);

      passMs(MINUTE);
      await andMailed(api, changeEmail(api.app, accessToken, alice, 'alice3@example.com').expect(200));
      await resetWith(api.app, await resetLink(api, 'alice3@example.com')).expect(204);
      await loginWith(api.app, { email: 'alice3@example.com', password: NEW_PASSWORD }).expect(200);
    });

    it('lets mail go at once again after POST /__reset and after api.reset()', async () => {
      const api = await serve({ allowReset: true });
      const resets = [async () => requestAs(api.app, (await sessionOf(api.app, admin)).accessToken, 'POST', '/__reset').expect(204), () => api.reset()];
      for (const reset of resets) {
        const { accessToken } = await sessionOf(api.app, alice);
        await resetLink(api, alice.email);
        for (const email of ['b@example.com', 'c@example.com', 'd@example.com']) {
          await andMailed(api, changeEmail(api.app, accessToken, alice, email).expect(200));
          await andMailed(api, forgot(api.app, email).expect(202));
        }
        // Two addresses of the account in the minute, both kinds counted together: c and d wait. (The notice of the
        // change, to the verified address it left, carries no link and is not held back.)
        expect(await mailsSent(api)).toEqual([
          [alice.email, RESET],
          [alice.email, NOTICE],
          ['b@example.com', VERIFY],
          ['b@example.com', RESET],
        ]);

        await reset();
        expect(await api.outbox.list()).toEqual([]);
        const again = await sessionOf(api.app, alice); // the accounts are back as they were at start
        await andMailed(api, changeEmail(api.app, again.accessToken, alice, 'd@example.com').expect(200));
        await andMailed(api, forgot(api.app, 'd@example.com').expect(202));
        expect(await mailsSent(api)).toEqual([
          [alice.email, NOTICE],
          ['d@example.com', VERIFY],
          ['d@example.com', RESET],
        ]);
        await api.reset();
      }
    });
  });

  describe("F9: an email change through the API kills the account's pending links; changing it back revives none", () => {
    it('PATCH /auth/me: the verification and reset links mailed before are dead, and stay dead once the email is back', async () => {
      const api = await serve();
      await resend(api.app, carol.email).expect(202);
      const verifyLink = await linkTokenIn(api, carol.email, VERIFY);
      const resetToken = await resetLink(api, carol.email);
      const bobLink = await resetLink(api, bob.email);
      const { accessToken } = await sessionOf(api.app, carol);
      await changeEmail(api.app, accessToken, carol, 'carol-away@example.com').expect(200);
      await changeEmail(api.app, accessToken, carol, carol.email).expect(200);

      await expectDeadVerifyLink(api.app, verifyLink);
      await expectDeadResetLink(api.app, resetToken);
      expect(await me(api.app, accessToken)).toMatchObject({ email: carol.email, emailVerified: false });
      await loginWith(api.app, carol).expect(200);
      await resetWith(api.app, bobLink).expect(204); // another account's link is not touched
    });

    it("an admin's PATCH /auth/users/:id of the email does the same; a PATCH of other fields, or of the email's case, kills nothing", async () => {
      const api = await serve();
      const adminToken = (await sessionOf(api.app, admin)).accessToken;
      const asAdmin = (id: number, body: object) => requestAs(api.app, adminToken, 'PATCH', `/auth/users/${id}`, body).expect(200);
      await resend(api.app, carol.email).expect(202);
      const [carolVerify, aliceReset] = [await linkTokenIn(api, carol.email, VERIFY), await resetLink(api, alice.email)];
      for (const email of ['moved@example.com', carol.email]) await asAdmin(4, { email });
      for (const email of ['moved@example.com', alice.email]) await asAdmin(2, { email });
      await expectDeadVerifyLink(api.app, carolVerify);
      await expectDeadResetLink(api.app, aliceReset);

      passMs(MINUTE);
      await resend(api.app, carol.email).expect(202);
      const [carolAgain, aliceAgain] = [await linkTokenIn(api, carol.email, VERIFY), await resetLink(api, alice.email)];
      await asAdmin(4, { name: 'Carol' });
      await asAdmin(2, { name: 'Alice A.', email: alice.email.toUpperCase() });
      await patchMe(api.app, (await sessionOf(api.app, carol)).accessToken, { name: 'Carol C.', email: 'Carol@Example.com' }).expect(200);
      await verifyWith(api.app, carolAgain).expect(200);
      await resetWith(api.app, aliceAgain).expect(204);
    });
  });

  describe('F7: the outbox without a token (--allow-reset) is for this machine only', () => {
    const ROUTES = (id: string) => [
      ['GET', '/__outbox'],
      ['GET', `/__outbox/${id}`],
      ['DELETE', '/__outbox'],
    ];
    const SPOOFS = [{}, { 'X-Forwarded-For': '127.0.0.1' }, { Forwarded: 'for=127.0.0.1' }, { 'X-Real-IP': '::1' }];
    let listening: Server | undefined;
    afterEach(async () => {
      listening?.closeAllConnections();
      await new Promise((resolve) => (listening ? listening.close(resolve) : resolve(undefined)));
      listening = undefined;
    });

    /**
     * The app behind a real socket whose remote address is `remote.address`: the test cannot connect from another
     * machine, so the socket says it did, before Express sees it. Read per request, as a kept-alive socket is reused.
     */
    async function behindSocket(api: FakeJwtApi, remote: { address: string }): Promise<string> {
      listening = createHttpServer(api.app);
      listening.on('connection', (socket: Socket) => Object.defineProperty(socket, 'remoteAddress', { get: () => remote.address, configurable: true }));
      await new Promise<void>((resolve) => listening!.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    }

    /** A server with alice's reset mail in its outbox, and an admin's and a user's tokens. */
    async function outboxServer(options: { allowReset?: boolean }) {
      const api = await serve(options);
      await resetLink(api, alice.email);
      const [adminToken, bobToken] = [(await sessionOf(api.app, admin)).accessToken, (await sessionOf(api.app, bob)).accessToken];
      return { api, adminToken, bobToken, id: (await api.outbox.list())[0].id };
    }

    it.each(['192.0.2.7', '::ffff:192.0.2.7', '2001:db8::7', '10.1.2.3', '0.0.0.0'])(
      'from %s wants an admin token, whatever a header claims: 401 without, 403 for a user, 200 for an admin',
      async (address) => {
        const { api, adminToken, bobToken, id } = await outboxServer({ allowReset: true });
        const url = await behindSocket(api, { address });
        for (const [method, path] of ROUTES(id)) {
          for (const spoof of SPOOFS) {
            const anonymous = await requestAs(url, undefined, method, path).set(spoof);
            expect({ method, path, spoof, status: anonymous.status, error: anonymous.body.error }).toEqual({
              method,
              path,
              spoof,
              status: 401,
              error: 'invalid_token',
            });
            expect(anonymous.text).not.toContain('token=');
          }
          const asBob = await requestAs(url, bobToken, method, path);
          expect({ method, path, status: asBob.status }).toEqual({ method, path, status: 403 });
        }
        expect(await api.outbox.list()).toHaveLength(1); // no refused DELETE emptied it
        const listed = (await requestAs(url, adminToken, 'GET', '/__outbox').expect(200)).body.messages;
        expect(listed.map((mail: { to: string }) => mail.to)).toEqual([alice.email]);
        await requestAs(url, adminToken, 'GET', `/__outbox/${id}`).expect(200);
        await requestAs(url, adminToken, 'DELETE', '/__outbox').expect(204);
        expect(await api.outbox.list()).toEqual([]);
      },
    );

    // A proxy or tunnel on this machine connects from loopback for everyone: any forwarding header closes it
    // (test/integration/local-request.test.ts has every header, the Host and --trust-proxy).
    it.each(['127.0.0.1', '::1', '::ffff:127.0.0.1', '127.4.5.6'])('from %s is open without a token; a forwarding header closes it', async (address) => {
      const { api, id } = await outboxServer({ allowReset: true });
      const url = await behindSocket(api, { address });
      const listed = await request(url).get('/__outbox');
      expect({ status: listed.status, count: listed.body.messages?.length }).toEqual({ status: 200, count: 1 });
      await request(url).get(`/__outbox/${id}`).expect(200);
      for (const forwarded of [{ 'X-Forwarded-For': '203.0.113.9' }, { 'X-Forwarded-For': '127.0.0.1' }, { Forwarded: 'for=203.0.113.9' }]) {
        for (const [method, path] of ROUTES(id)) {
          const refused = await requestAs(url, undefined, method, path).set(forwarded);
          expect({ forwarded, method, path, status: refused.status }).toEqual({ forwarded, method, path, status: 401 });
        }
      }
      await request(url).delete('/__outbox').expect(204);
      expect(await api.outbox.list()).toEqual([]);
    });

    it('one listening server answers by the address of each request: open to loopback, closed to another machine', async () => {
      const { api } = await outboxServer({ allowReset: true });
      const remote = { address: '127.0.0.1' };
      const url = await behindSocket(api, remote);
      await request(url).get('/__outbox').expect(200);
      remote.address = '198.51.100.20';
      expect((await request(url).get('/__outbox')).status).toBe(401);
      remote.address = '::1';
      await request(url).get('/__outbox').expect(200);
    });

    it('without --allow-reset, loopback too needs an admin token', async () => {
      const { api, adminToken, bobToken, id } = await outboxServer({});
      const url = await behindSocket(api, { address: '127.0.0.1' });
      for (const target of [api.app, url]) {
        for (const [method, path] of ROUTES(id)) {
          for (const spoof of SPOOFS) {
            const anonymous = await requestAs(target, undefined, method, path).set(spoof);
            expect({ method, path, spoof, status: anonymous.status }).toEqual({ method, path, spoof, status: 401 });
          }
          expect({ method, path, status: (await requestAs(target, bobToken, method, path)).status }).toEqual({ method, path, status: 403 });
        }
        await requestAs(target, adminToken, 'GET', '/__outbox').expect(200);
      }
      expect(await api.outbox.list()).toHaveLength(1);
    });
  });
});
