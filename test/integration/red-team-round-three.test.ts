/**
 * Red team, round three, through the whole app. Each attack, as it worked before its fix:
 *
 * - A (mail flood): the once-a-minute interval was kept per account, so a new account reset it: registering V,
 *   forgot-password V, resend V, DELETE /auth/me, again and again, mailed V 14 times in 3 s; and K accounts taking
 *   V in turn by PATCH /auth/me, each asking a reset, mailed it 2·K times a minute. The two-addresses cap was per
 *   kind of mail. Now each kind goes to an address once a minute whichever account asks (a deleted one too), and an
 *   account's mails of both kinds go to two addresses a minute (README "Password reset and email verification").
 * - B (unverified tokens): under --require-verified-email, an account unverified since it signed in at the OpenID
 *   provider (users.json edited by hand) still got a code from that sign-in (prompt=none too), and the code tokens.
 * - C (reserved names): PATCH /auth/me stored `client_id`, `act`, `cnf`, `typ`, `trusted`, `service`… and the ID token
 *   (profile scope) and /auth/userinfo carried them; `--claims Role,SUB` started and copied those fields into access
 *   tokens, which .NET reads as `role` and `sub` (it compares claim types in any case).
 */
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { requestAs, SAMPLE_DB, SAMPLE_LOGINS, SAMPLE_USERS, signInAtProvider, useServer } from '../support';

type App = FakeJwtApi['app'];
type Login = { email: string; password: string };
type StoredAccount = Record<string, unknown>;

const START = Date.UTC(2030, 0, 1);
const clock = { now: START };
const passMs = (ms: number) => (clock.now += ms);
const MINUTE = 60_000;
beforeEach(() => (clock.now = START));

const { admin, alice, bob } = SAMPLE_LOGINS;
const { project, serve } = useServer({ files: { 'db.json': SAMPLE_DB, 'users.json': SAMPLE_USERS }, defaults: { now: () => clock.now } });

const RESET = 'Reset your password';
const VERIFY = 'Verify your email';
const VICTIM = 'victim@example.net';

const loginWith = (app: App, who: Login) => request(app).post('/auth/login').send(who);
const sessionOf = async (app: App, who: Login) => (await loginWith(app, who).expect(200)).body as { accessToken: string; refreshToken: string };
const register = (app: App, who: Login & Record<string, unknown>) => request(app).post('/auth/register').send(who);
// `currentPassword`: PATCH /auth/me may ask for it to change the email; a server that does not drops it as reserved.
const patchMe = (app: App, token: string, password: string, body: object) => requestAs(app, token, 'PATCH', '/auth/me', { ...body, currentPassword: password });
const forgot = (app: App, email: string) => request(app).post('/auth/forgot-password').send({ email });
const resend = (app: App, email: string) => request(app).post('/auth/verify-email/resend').send({ email });
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Record<string, unknown>;

/** A request that may queue a mail, answered, and its mail work done (it reads the account when it runs). */
async function andMailed(api: FakeJwtApi, answer: PromiseLike<unknown>): Promise<void> {
  await answer;
  await api.outbox.settled();
}
/** The subjects of the link mails (reset, verification) to `to`, oldest first: a notice of an email change is none. */
const mailsTo = async (api: FakeJwtApi, to: string) =>
  (await api.outbox.list({ to }))
    .map((mail) => mail.subject)
    .filter((subject) => subject === RESET || subject === VERIFY)
    .reverse();

/** users.json as a person would edit it: read, change one account, write back. */
function editUsersByHand(email: string, change: (account: StoredAccount) => StoredAccount): void {
  const users = project.json('users.json') as StoredAccount[];
  expect(users.some((account) => account.email === email)).toBe(true);
  project.write(
    'users.json',
    users.map((account) => (account.email === email ? change({ ...account }) : account)),
  );
}

describe('A: one inbox, one mail of each kind a minute, whichever account asks', () => {
  /** Registers V, asks a reset and another verification mail for it, and deletes the account: the round of the attack. */
  async function registerAskDelete(api: FakeJwtApi): Promise<void> {
    const who = { email: VICTIM, password: 'mallory-pass' };
    const { accessToken } = (await register(api.app, who).expect(201)).body;
    await api.outbox.settled();
    await andMailed(api, forgot(api.app, VICTIM).expect(202));
    await andMailed(api, resend(api.app, VICTIM).expect(202));
    await requestAs(api.app, accessToken, 'DELETE', '/auth/me', { password: who.password }).expect(200);
  }

  it('registering, asking and deleting again and again mails V a verification and a reset once in the minute, through a restart too', async () => {
    const first = await serve();
    for (let round = 1; round <= 5; round++) await registerAskDelete(first);
    // The first round's two mails: a reset may follow the registration's mail at once (kinds are counted apart).
    expect(await mailsTo(first, VICTIM)).toEqual([VERIFY, RESET]);
    await first.close();

    const api = await serve(); // the interval is in the state folder, as the links are
    passMs(MINUTE - 1);
    await registerAskDelete(api);
    expect(await mailsTo(api, VICTIM)).toEqual([VERIFY, RESET]);
    passMs(1);
    await registerAskDelete(api);
    expect(await mailsTo(api, VICTIM)).toEqual([VERIFY, RESET, VERIFY, RESET]);
  });

  it('accounts taking V in turn (PATCH /auth/me, forgot-password, PATCH away) mail it once of each kind a minute, however many', async () => {
    const api = await serve();
    const accounts = [alice, bob, admin];
    const tokens = await Promise.all(accounts.map(async (who) => (await sessionOf(api.app, who)).accessToken));
    for (let minute = 1; minute <= 3; minute++) {
      for (const [index, who] of accounts.entries()) {
        await andMailed(api, patchMe(api.app, tokens[index], who.password, { email: VICTIM }).expect(200));
        await andMailed(api, forgot(api.app, VICTIM).expect(202));
        await patchMe(api.app, tokens[index], who.password, { email: who.email }).expect(200);
        await api.outbox.settled();
      }
      expect({ minute, mails: await mailsTo(api, VICTIM) }).toEqual({ minute, mails: Array.from({ length: minute }, () => [VERIFY, RESET]).flat() });
      passMs(MINUTE);
    }
  });

  it("counts both kinds in an account's two addresses a minute: a reset to one, a verification to another, and a third waits", async () => {
    const api = await serve();
    const { accessToken } = await sessionOf(api.app, alice);
    await andMailed(api, forgot(api.app, alice.email).expect(202));
    await andMailed(api, patchMe(api.app, accessToken, alice.password, { email: 'b@example.com' }).expect(200));
    await andMailed(api, patchMe(api.app, accessToken, alice.password, { email: 'c@example.com' }).expect(200));
    await andMailed(api, resend(api.app, 'c@example.com').expect(202));
    expect(await Promise.all([alice.email, 'b@example.com', 'c@example.com'].map((to) => mailsTo(api, to)))).toEqual([[RESET], [VERIFY], []]);
    // Another account is not held by alice's count.
    const bobToken = (await sessionOf(api.app, bob)).accessToken;
    await andMailed(api, patchMe(api.app, bobToken, bob.password, { email: 'bob2@example.com' }).expect(200));
    expect(await mailsTo(api, 'bob2@example.com')).toEqual([VERIFY]);

    passMs(MINUTE);
    await andMailed(api, resend(api.app, 'c@example.com').expect(202));
    expect(await mailsTo(api, 'c@example.com')).toEqual([VERIFY]);
  });

  it('lets V be mailed at once again after api.reset()', async () => {
    const api = await serve();
    await registerAskDelete(api);
    await api.reset();
    await registerAskDelete(api);
    expect(await mailsTo(api, VICTIM)).toEqual([VERIFY, RESET]); // the outbox was emptied, and V mailed anew
  });
});

/** Alice at the provider's login page, and what the browser holds then: its provider session cookie. */
async function aliceAtProvider(app: App) {
  const signedIn = await signInAtProvider(app, { credentials: alice });
  expect(signedIn.providerCookie).toBeDefined();
  return { ...signedIn, jar: [signedIn.providerCookie!] };
}

/** An authorization request with prompt=none from a browser holding `jar`: the redirect, a code or an error. */
const silentSignIn = (app: App, jar: string[]) => signInAtProvider(app, { cookies: jar, params: { prompt: 'none' }, pageStatus: 302 });

describe('B: under --require-verified-email, a provider sign-in of an account unverified since mints nothing', () => {
  it('prompt=none is login_required with the sentence, the login page refuses, a code from before is invalid_grant; all go on once verified', async () => {
    const api = await serve({ requireVerifiedEmail: true });
    const signedIn = await aliceAtProvider(api.app);
    const before = await silentSignIn(api.app, signedIn.jar);
    expect(before.code).toEqual(expect.any(String)); // the sign-in answers prompt=none while the email is verified

    editUsersByHand(alice.email, (account) => ({ ...account, emailVerified: false }));
    const sentence = (await loginWith(api.app, alice).expect(403)).body.message as string; // what /auth/login says
    expect(sentence).toContain(`The email ${alice.email} is not verified`);

    const refused = (await silentSignIn(api.app, signedIn.jar)).redirect;
    expect(refused).toEqual({ error: 'login_required', error_description: sentence, state: 's1', iss: expect.any(String) });
    const { page } = await signInAtProvider(api.app, { cookies: signedIn.jar, pageStatus: 'any' });
    expect({ status: page.status, location: page.headers.location }).toEqual({ status: 403, location: undefined });
    expect(page.text).toContain(`The email ${alice.email} is not verified yet`);
    expect(page.text).toContain('name="password"'); // the login form, as after a refused sign-in
    for (const flow of [signedIn, before]) {
      const exchanged = await flow.exchange();
      expect({ status: exchanged.status, body: exchanged.body }).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: sentence } });
    }

    await andMailed(api, resend(api.app, alice.email).expect(202));
    const link = (await api.outbox.latest(alice.email))!.links[0];
    await request(api.app)
      .post('/auth/verify-email')
      .send({ token: new URL(link).searchParams.get('token') })
      .expect(200);
    const tokens = (await (await silentSignIn(api.app, signedIn.jar)).exchange().expect(200)).body;
    expect(claimsOf(tokens.id_token)).toMatchObject({ email: alice.email, email_verified: true });
  });

  it('without the flag, the same sign-in of an unverified account still gets its code and tokens', async () => {
    const api = await serve();
    const signedIn = await aliceAtProvider(api.app);
    editUsersByHand(alice.email, (account) => ({ ...account, emailVerified: false }));
    const silent = await silentSignIn(api.app, signedIn.jar);
    expect(claimsOf((await silent.exchange().expect(200)).body.id_token)).toMatchObject({ email_verified: false });
  });
});

describe('C: reserved claim names, in any case, never come from a profile', () => {
  const RESERVED_FIELDS = {
    client_id: 'other-app',
    act: { sub: '1' },
    may_act: { sub: '1' },
    cnf: { jkt: 'x' },
    typ: 'JWT',
    trusted: true,
    service: { clientId: 'svc' },
    Role: 'admin',
    SUB: '1',
    Email_Verified: true,
    Client_ID: 'other-app',
    ROLES: ['admin'],
    Password: 'plain text',
    ſub: '1', // a long s: "SUB" once upper-cased, as a reader comparing in any case may take it
    // Round four: a provider's assertion (a relying party signing in by verified phone), an ID-token claim, and a
    // full-width `sub` that NFKC makes `sub`.
    phone_number_verified: true,
    s_hash: 'x',
    ｓｕｂ: '1',
  };
  const RESERVED_NAMES = Object.keys(RESERVED_FIELDS);

  /** The ID token (profile scope) and the userinfo answer of alice through the provider. */
  async function providerView(api: FakeJwtApi): Promise<Array<Record<string, unknown>>> {
    const tokens = (await (await signInAtProvider(api.app, { scope: 'openid profile email', credentials: alice })).exchange().expect(200)).body;
    const userinfo = (await requestAs(api.app, tokens.access_token, 'GET', '/auth/userinfo').expect(200)).body;
    return [claimsOf(tokens.id_token), userinfo];
  }

  it('PATCH /auth/me drops them, and the ID token and userinfo carry the profile without them', async () => {
    const api = await serve();
    const { accessToken } = await sessionOf(api.app, alice);
    const patched = (await patchMe(api.app, accessToken, alice.password, { ...RESERVED_FIELDS, nickname: 'Al' }).expect(200)).body;
    expect(patched).toMatchObject({ id: 2, role: 'user', nickname: 'Al' });
    for (const name of RESERVED_NAMES) expect({ name, stored: Object.hasOwn(patched, name) }).toEqual({ name, stored: false });

    for (const view of await providerView(api)) {
      expect(view).toMatchObject({ sub: '2', email: alice.email, email_verified: true, name: 'Alice', nickname: 'Al', role: 'user' });
      for (const name of [...RESERVED_NAMES, 'currentPassword']) expect({ name, claim: view[name] }).toEqual({ name, claim: undefined });
    }
  });

  it('fields written by hand under reserved names reach neither the ID token nor userinfo', async () => {
    editUsersByHand(alice.email, (account) => ({ ...account, ...RESERVED_FIELDS, nickname: 'Al' }));
    const api = await serve();
    for (const view of await providerView(api)) {
      expect(view).toMatchObject({ sub: '2', nickname: 'Al', role: 'user' });
      for (const name of RESERVED_NAMES) expect({ name, claim: view[name] }).toEqual({ name, claim: undefined });
    }
  });

  it("registration and an admin's PATCH drop them as they drop the privileged fields; a field of another name is kept", async () => {
    const api = await serve();
    const created = (await register(api.app, { email: 'dora@example.com', password: 'dora-secret', ...RESERVED_FIELDS, name: 'Dora' }).expect(201)).body;
    expect(Object.keys(created.user).sort()).toEqual(['email', 'emailVerified', 'id', 'name', 'role']);
    expect(created.user.role).toBe('user');
    const stored = (project.json('users.json') as StoredAccount[]).find((account) => account.email === 'dora@example.com')!;
    for (const name of RESERVED_NAMES) expect({ name, stored: Object.hasOwn(stored, name) }).toEqual({ name, stored: false });

    const adminToken = (await sessionOf(api.app, admin)).accessToken;
    const edited = (await requestAs(api.app, adminToken, 'PATCH', `/auth/users/${created.user.id}`, { ...RESERVED_FIELDS, team: 'blue' }).expect(200)).body;
    expect(Object.keys(edited).sort()).toEqual(['email', 'emailVerified', 'id', 'name', 'role', 'team']);
  });

  it.each(['Role', 'SUB', 'Email_Verified', 'Scope', 'ROLES', 'Client_Id', 'PASSWORD'])(
    '--claims %s stops the start, saying which name it is',
    async (name) => {
      const started = serve({ claims: ['name', name] });
      await expect(started).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2 });
      const message = ((await started.catch((error: Error) => error)) as Error).message;
      expect(message).toMatch(new RegExp(`^--claims: "${name}" is "${name.toLowerCase()}" to a reader that compares claim names in any case`));
    },
  );

  it('--claims of names of no reserved one, in any case, start and copy the fields', async () => {
    editUsersByHand(alice.email, (account) => ({ ...account, Department: 'Sales', Name: 'A.' }));
    const api = await serve({ claims: ['Department', 'Name'] });
    expect(claimsOf((await sessionOf(api.app, alice)).accessToken)).toMatchObject({ Department: 'Sales', Name: 'A.', role: 'user', sub: '2' });
  });
});
