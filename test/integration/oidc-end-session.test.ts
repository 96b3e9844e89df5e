/**
 * RP-Initiated Logout 1.0 through the whole server: the code flow with the login form signs alice in, then
 * /auth/end-session with her ID token ends her session (its tokens die at once) and the provider session; without a
 * valid hint the person is asked first (a form with a CSRF token), and a foreign post_logout_redirect_uri is never
 * followed.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { authorizeRequest, hiddenFields, SAMPLE_LOGINS, signInAtProvider, useServer } from '../support';

const START = Date.UTC(2026, 0, 1);
let clock = START;
const { serve, project } = useServer({ defaults: { now: () => clock, accessTtl: '15m', refreshTtl: '1d' } });
beforeEach(() => (clock = START));

type App = Parameters<typeof request>[0];
const CLIENT = 'my-spa';
const REDIRECT = 'http://localhost:5173/callback';
const AFTER = 'http://localhost:5173/signed-out';
/** The server as the browser addresses it: its forms post with this Origin. */
const HOST = 'localhost:3000';
/** The authorization request of the app here: a refresh token too, and no state. */
const SIGN_IN = { clientId: CLIENT, redirectUri: REDIRECT, scope: 'openid email offline_access', state: undefined };
const AUTHORIZE = authorizeRequest(SIGN_IN).url;

const cookiesOf = (response: request.Response) => ([] as string[]).concat(response.headers['set-cookie'] ?? []);
const cookieValue = (response: request.Response, name: string) =>
  cookiesOf(response)
    .find((cookie) => cookie.startsWith(`${name}=`))
    ?.split(';')[0];

interface SignedIn {
  /** `fake_jwt_api_op=…`: the browser's provider session. */
  providerCookie: string;
  tokens: { access_token: string; refresh_token: string; id_token: string };
}

/** alice (or another) through the login form, and the code exchanged: what an app and the browser hold afterwards. */
async function signIn(app: App, credentials = SAMPLE_LOGINS.alice): Promise<SignedIn> {
  const signedIn = await signInAtProvider(app, { ...SIGN_IN, credentials });
  const tokens = (await signedIn.exchange().expect(200)).body;
  return { providerCookie: signedIn.providerCookie!, tokens };
}

const endSession = (app: App, parameters: Record<string, string>, cookie?: string) =>
  request(app)
    .get(`/auth/end-session?${new URLSearchParams(parameters)}`)
    .set('Cookie', cookie ?? '');

/** Whether the browser is still signed in at the provider: the next authorization skips the form. */
async function providerSignedIn(app: App, providerCookie: string): Promise<boolean> {
  const response = await request(app).get(AUTHORIZE).set('Cookie', providerCookie);
  if (response.status === 200) expect(response.text).toMatch(/type="password"/);
  return response.status === 302;
}

const accessStatus = async (app: App, accessToken: string) => (await request(app).get('/auth/me').set('Authorization', `Bearer ${accessToken}`)).status;
const refreshAtTokenEndpoint = (app: App, refreshToken: string) =>
  request(app).post('/auth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT });

/** The server's own signing key, from the state folder: forgeries that only the issuer check can refuse. */
function serverKey() {
  const [ours] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
  return createPrivateKey(ours.privateKey);
}

function expectPageHeaders(response: request.Response) {
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  expect(response.headers['content-security-policy']).toMatch(/style-src 'nonce-[^']+'/);
  expect(response.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  expect(response.headers).toMatchObject({ 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
}

describe('with a valid id_token_hint', () => {
  it('ends the session and the provider session, clears the cookie, and goes back with the state', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    expect(await accessStatus(app, tokens.access_token)).toBe(200);
    const response = await endSession(
      app,
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER, state: 'st-1', client_id: CLIENT },
      providerCookie,
    );
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${AFTER}?state=st-1`);
    expect(cookiesOf(response).find((cookie) => cookie.startsWith('fake_jwt_api_op='))).toMatch(/^fake_jwt_api_op=;.*Expires=Thu, 01 Jan 1970/);
    expect(await accessStatus(app, tokens.access_token)).toBe(401);
    expect((await refreshAtTokenEndpoint(app, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    await request(app).post('/auth/refresh').send({ refreshToken: tokens.refresh_token }).expect(401);
    expect(await providerSignedIn(app, providerCookie)).toBe(false);
  });

  it('without post_logout_redirect_uri answers a signed-out page', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    const response = await endSession(app, { id_token_hint: tokens.id_token }, providerCookie).expect(200);
    expect(response.text).toMatch(/You are signed out/);
    expectPageHeaders(response);
    expect(await accessStatus(app, tokens.access_token)).toBe(401);
  });

  it('works with an expired hint: the session outlives its ID token', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    clock += 60 * 60 * 1000; // the ID token (15 minutes) has expired, the refresh token (1 day) has not
    const response = await endSession(app, { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER }, providerCookie);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(AFTER);
    expect((await refreshAtTokenEndpoint(app, tokens.refresh_token).expect(400)).body.error).toBe('invalid_grant');
    expect(await providerSignedIn(app, providerCookie)).toBe(false);
  });

  it('a client_id that is not the hint audience is an error page, and nothing ends', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    const response = await endSession(app, { id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER, client_id: 'other-app' }, providerCookie);
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(await accessStatus(app, tokens.access_token)).toBe(200);
    expect(await providerSignedIn(app, providerCookie)).toBe(true);
  });

  it("of another account than the browser's provider session: ends the hint's session only", async () => {
    const { app } = await serve();
    const alice = await signIn(app);
    const bob = await signIn(app, SAMPLE_LOGINS.bob);
    const response = await endSession(app, { id_token_hint: alice.tokens.id_token, post_logout_redirect_uri: AFTER }, bob.providerCookie);
    expect(response.headers.location).toBe(AFTER);
    expect(await accessStatus(app, alice.tokens.access_token)).toBe(401);
    expect(cookieValue(response, 'fake_jwt_api_op')).toBeUndefined();
    expect(await providerSignedIn(app, bob.providerCookie)).toBe(true);
    expect(await accessStatus(app, bob.tokens.access_token)).toBe(200);
  });

  it('at a POST, as an app may send it, does the same', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    const response = await request(app)
      .post('/auth/end-session')
      .set('Cookie', providerCookie)
      .type('form')
      .send({ id_token_hint: tokens.id_token, post_logout_redirect_uri: AFTER, state: 's' });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${AFTER}?state=s`);
    expect(await accessStatus(app, tokens.access_token)).toBe(401);
  });
});

describe('a foreign post_logout_redirect_uri', () => {
  for (const [name, withHint] of [
    ['with a hint', true],
    ['without a hint', false],
  ] as const) {
    it(`${name}: an error page (400), never a redirect, and nothing ends`, async () => {
      const { app } = await serve();
      const { providerCookie, tokens } = await signIn(app);
      for (const uri of ['https://evil.example/bye', 'http://localhost.evil.example/', 'http://user@localhost/', 'javascript:alert(1)']) {
        const parameters = { post_logout_redirect_uri: uri, state: 's', ...(withHint ? { id_token_hint: tokens.id_token } : {}) };
        const response = await endSession(app, parameters, providerCookie);
        expect({ uri, status: response.status, location: response.headers.location }).toEqual({ uri, status: 400, location: undefined });
        expect(response.text).toMatch(/post_logout_redirect_uri/);
        expectPageHeaders(response);
      }
      expect(await accessStatus(app, tokens.access_token)).toBe(200);
      expect(await providerSignedIn(app, providerCookie)).toBe(true);
    });
  }
});

describe('a forged hint is no hint: the confirmation page, and nothing ends', () => {
  const forgeries: Record<string, (idToken: string) => string> = {
    'a wrong signature': (idToken) => {
      const { header, payload } = jwt.decode(idToken, { complete: true })!;
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return jwt.sign(payload as object, privateKey, { algorithm: 'RS256', header: { ...header, alg: 'RS256' } as jwt.JwtHeader });
    },
    'alg none': (idToken) => {
      const { header, payload } = jwt.decode(idToken, { complete: true })!;
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      return `${encode({ ...header, alg: 'none' })}.${encode(payload as object)}.`;
    },
    'another issuer, signed with our own key': (idToken) => {
      const { header, payload } = jwt.decode(idToken, { complete: true })!;
      return jwt.sign({ ...(payload as object), iss: 'https://idp.example' }, serverKey(), { algorithm: header.alg as jwt.Algorithm, header });
    },
    'an access token of the same session': () => '',
  };

  for (const [name, forge] of Object.entries(forgeries)) {
    it(name, async () => {
      const { app } = await serve();
      const { providerCookie, tokens } = await signIn(app);
      const hint = forge(tokens.id_token) || tokens.access_token;
      const response = await endSession(app, { id_token_hint: hint, post_logout_redirect_uri: AFTER }, providerCookie);
      expect(response.status).toBe(200);
      expect(response.text).toMatch(/Sign out of <code>/);
      expect(await accessStatus(app, tokens.access_token)).toBe(200);
      expect((await refreshAtTokenEndpoint(app, tokens.refresh_token).expect(200)).body.access_token).toEqual(expect.any(String));
      expect(await providerSignedIn(app, providerCookie)).toBe(true);
    });
  }
});

describe('the confirmation page', () => {
  /** The page without a hint, and what the browser then holds: its cookies and the form's fields. */
  async function confirmationFor(app: App, providerCookie: string, parameters: Record<string, string>) {
    const page = await endSession(app, parameters, providerCookie).expect(200);
    const csrfCookie = cookieValue(page, 'fake_jwt_api_csrf')!;
    return { page, cookies: [providerCookie, csrfCookie], fields: hiddenFields(page.text) };
  }

  const confirm = (app: App, cookies: string[], fields: Record<string, string>, origin = `http://${HOST}`) =>
    request(app).post('/auth/end-session').set('Cookie', cookies).set('Host', HOST).set('Origin', origin).type('form').send(fields);

  it('has the login page headers and a form with a CSRF token, escaping what the request says', async () => {
    const { app } = await serve();
    const { providerCookie } = await signIn(app);
    const hostile = '"><script>alert(1)</script>';
    const { page, fields } = await confirmationFor(app, providerCookie, { client_id: `app${hostile}`, state: hostile, post_logout_redirect_uri: AFTER });
    expectPageHeaders(page);
    expect(page.headers['content-security-policy']).toMatch(/form-action 'self' http:\/\/localhost:5173;/);
    expect(page.text).not.toContain('<script>');
    expect(page.text).toMatch(/<form method="post" action="\/auth\/end-session"/);
    expect(fields).toEqual({
      post_logout_redirect_uri: AFTER,
      state: hostile,
      client_id: `app${hostile}`,
      csrf_token: expect.stringMatching(/^[\w-]{43}$/),
      confirm: 'yes',
    });
  });

  it('answered with the CSRF token, ends the provider session and goes back with the state', async () => {
    const { app } = await serve();
    const { providerCookie, tokens } = await signIn(app);
    const { cookies, fields } = await confirmationFor(app, providerCookie, { post_logout_redirect_uri: AFTER, state: 'st-2' });
    const response = await confirm(app, cookies, fields);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${AFTER}?state=st-2`);
    expect(cookieValue(response, 'fake_jwt_api_op')).toBe('fake_jwt_api_op=');
    expect(await providerSignedIn(app, providerCookie)).toBe(false);
    // The app sessions this browser's sign-in started end with it: their tokens stop at once.
    expect(await accessStatus(app, tokens.access_token)).toBe(401);
    expect((await refreshAtTokenEndpoint(app, tokens.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('ends only what this browser signed in to: a password login and another browser’s sign-in of the account stay', async () => {
    const { app } = await serve();
    const here = await signIn(app);
    const elsewhere = await signIn(app);
    const password = (await request(app).post('/auth/login').send(SAMPLE_LOGINS.alice).expect(200)).body as { accessToken: string };
    const { cookies, fields } = await confirmationFor(app, here.providerCookie, { post_logout_redirect_uri: AFTER });
    await confirm(app, cookies, fields).expect(302);
    expect(await accessStatus(app, here.tokens.access_token)).toBe(401);
    expect(await accessStatus(app, elsewhere.tokens.access_token)).toBe(200);
    expect(await accessStatus(app, password.accessToken)).toBe(200);
    expect(await providerSignedIn(app, elsewhere.providerCookie)).toBe(true);
  });

  it('kills the codes of the sign-in not yet exchanged, and keeps the apps of a second sign-in of the same account (prompt=login)', async () => {
    const { app } = await serve();
    const first = await signIn(app);
    // The same browser signs in again (prompt=login): a new cookie, the same apps.
    const again = await signInAtProvider(app, { ...SIGN_IN, cookies: [first.providerCookie], params: { prompt: 'login' } });
    const secondCookie = again.providerCookie!;
    expect(secondCookie).not.toBe(first.providerCookie);
    const { cookies, fields } = await confirmationFor(app, secondCookie, { post_logout_redirect_uri: AFTER });
    await confirm(app, cookies, fields).expect(302);
    expect(await accessStatus(app, first.tokens.access_token)).toBe(401);
    expect((await again.exchange().expect(400)).body.error).toBe('invalid_grant');
  });

  it('answered without post_logout_redirect_uri, shows the signed-out page', async () => {
    const { app } = await serve();
    const { providerCookie } = await signIn(app);
    const { cookies, fields } = await confirmationFor(app, providerCookie, {});
    const response = await confirm(app, cookies, fields).expect(200);
    expect(response.text).toMatch(/You are signed out/);
    expect(await providerSignedIn(app, providerCookie)).toBe(false);
  });

  it('answered without the CSRF cookie, with another token, without the field, or from another origin: 400, and nothing ends', async () => {
    const { app } = await serve();
    const { providerCookie } = await signIn(app);
    const { cookies, fields } = await confirmationFor(app, providerCookie, { post_logout_redirect_uri: AFTER });
    const { csrf_token: token, ...withoutToken } = fields;
    const attempts = [
      { cookies: [providerCookie], fields },
      { cookies, fields: { ...fields, csrf_token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` } },
      { cookies, fields: withoutToken },
      // A page on another port of localhost can plant the CSRF cookie for this host: its post is refused all the same.
      { cookies, fields, origin: 'http://localhost:5173' },
    ];
    for (const attempt of attempts) {
      const response = await confirm(app, attempt.cookies, attempt.fields, attempt.origin);
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
      expect(response.text).toMatch(/cannot be trusted/);
    }
    expect(await providerSignedIn(app, providerCookie)).toBe(true);
  });

  it('posted from another site is refused by the auth origin gate', async () => {
    const { app } = await serve();
    const { providerCookie } = await signIn(app);
    const { cookies, fields } = await confirmationFor(app, providerCookie, {});
    await confirm(app, cookies, fields, 'https://evil.example').expect(403);
    expect(await providerSignedIn(app, providerCookie)).toBe(true);
  });
});

it('discovery names the end_session_endpoint', async () => {
  const { app } = await serve();
  const discovery = (await request(app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000').expect(200)).body;
  expect(discovery.end_session_endpoint).toBe('http://localhost:3000/auth/end-session');
});
