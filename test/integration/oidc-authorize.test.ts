import { createSecretKey, randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { makeDecoyFor } from '../../src/auth/decoys';
import { makeAuthorizeRoutes } from '../../src/provider/authorize-routes';
import { makeCodeStore, type CodeStore } from '../../src/provider/codes';
import { AUTHORIZE_PATH } from '../../src/provider/paths';
import { makeProviderSessions } from '../../src/provider/provider-sessions';
import { SAMPLE_LOGINS, useServer } from '../support';
import { makeLoginThrottle } from '../../src/throttle/login-throttle';
import { DEFAULT_THROTTLE_POLICY } from '../../src/throttle/policy';

// The authorization endpoint and its login page (RFC 6749 §4.1, OIDC Core §3.1.2, RFC 7636, RFC 9207), through HTTP:
// the router on a small app of the real parts (the accounts of a real server, real codes and provider sessions).

const ISSUER = 'http://127.0.0.1:3000';
const REDIRECT = 'http://localhost:5173/callback';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const VALID = {
  response_type: 'code',
  client_id: 'my-spa',
  redirect_uri: REDIRECT,
  scope: 'openid profile email',
  state: 'state-123',
  nonce: 'nonce-456',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

const { serve } = useServer();

interface Provider {
  app: express.Express;
  codes: CodeStore;
  clock: { now: number };
  /** The decoy hash lookups: an unknown email must cost a hash check too. */
  decoyFor: jest.Mock<string, [string]>;
  accounts: Awaited<ReturnType<typeof serve>>['accounts'];
}

async function provider(): Promise<Provider> {
  const { accounts } = await serve();
  const clock = { now: Date.UTC(2030, 0, 1) };
  const now = () => clock.now;
  const codes = makeCodeStore(now);
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const decoyFor = jest.fn(makeDecoyFor(createSecretKey(randomBytes(32)), () => accounts.snapshot()));
  const throttle = makeLoginThrottle(DEFAULT_THROTTLE_POLICY, now);
  app.use(makeAuthorizeRoutes({ accounts, codes, providerSessions: makeProviderSessions(now), decoyFor, issuer: () => ISSUER, now, throttle }));
  return { app, codes, clock, decoyFor, accounts };
}

const authorizeUrl = (parameters: Record<string, string | undefined>) =>
  `${AUTHORIZE_PATH}?${new URLSearchParams(Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined))}`;

/** `name=value` of a Set-Cookie header, and the header itself. */
function cookieOf(response: request.Response, name: string): { pair: string; header: string } | undefined {
  const headers = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const header = headers.find((line) => line.startsWith(`${name}=`));
  return header === undefined ? undefined : { pair: header.split(';')[0], header };
}

const unescapeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The fields of each form of a page, as a browser would post them (hidden ones and prefilled values). */
function formsOf(html: string): Array<Record<string, string>> {
  return (html.match(/<form [^]*?<\/form>/g) ?? []).map((form) =>
    Object.fromEntries(
      [...form.matchAll(/<input [^>]*name="([^"]*)"[^>]*?(?: value="([^"]*)")?>/g)].map(([, name, value]) => [name, unescapeHtml(value ?? '')]),
    ),
  );
}

/** GET the login page: its form's fields and the CSRF cookie it set. */
async function loginPage(app: express.Express, parameters: Record<string, string | undefined> = VALID, cookie?: string) {
  const page = await request(app)
    .get(authorizeUrl(parameters))
    .set('Cookie', cookie ?? '')
    .expect(200);
  return { page, form: formsOf(page.text)[0], csrfCookie: cookieOf(page, 'fake_jwt_api_csrf')?.pair ?? '' };
}

/** The form as the browser posts it from the login page: with that page's origin (the host the app is asked by). */
const postForm = (app: express.Express, fields: Record<string, string>, cookie: string, origin = 'http://localhost:3000') =>
  request(app).post(AUTHORIZE_PATH).type('form').set('Host', 'localhost:3000').set('Origin', origin).set('Cookie', cookie).send(fields);

/** Signs in through the form; the 302 and the provider session cookie. */
async function signIn(app: express.Express, login = SAMPLE_LOGINS.alice, parameters: Record<string, string | undefined> = VALID) {
  const { form, csrfCookie } = await loginPage(app, parameters);
  const answer = await postForm(app, { ...form, ...login }, csrfCookie).expect(302);
  return { answer, sessionCookie: cookieOf(answer, 'fake_jwt_api_op')!.pair };
}

function redirectParameters(answer: request.Response): URLSearchParams {
  const location = new URL(answer.headers.location as string);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return location.searchParams;
}

it('signs in through the form and sends the code, state and iss back; the code stands for the whole request', async () => {
  const { app, codes, clock, accounts } = await provider();
  const { page, form, csrfCookie } = await loginPage(app);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(form).toMatchObject({ ...VALID, email: '', password: '', csrf_token: expect.stringMatching(/^[\w-]{43}$/) });
  expect(csrfCookie).toBe(`fake_jwt_api_csrf=${form.csrf_token}`);
  expect(page.text).toContain('<code>my-spa</code>');
  expect(page.text).toContain('<code>http://localhost:5173</code>');

  const answer = await postForm(app, { ...form, ...SAMPLE_LOGINS.alice }, csrfCookie).expect(302);
  const back = redirectParameters(answer);
  expect([...back.keys()]).toEqual(['code', 'state', 'iss']);
  expect(back.get('state')).toBe('state-123');
  expect(back.get('iss')).toBe(ISSUER);
  expect(cookieOf(answer, 'fake_jwt_api_op')?.header).toMatch(/^fake_jwt_api_op=[\w-]{43}; Path=\/auth; HttpOnly; SameSite=Lax$/);

  const alice = (await accounts.findByEmail('alice@example.com'))!;
  expect(codes.redeem(back.get('code')!)).toEqual({
    outcome: 'granted',
    grant: {
      clientId: 'my-spa',
      redirectUri: REDIRECT,
      codeChallenge: CHALLENGE,
      nonce: 'nonce-456',
      scopes: ['openid', 'profile', 'email'],
      accountId: String(alice.id),
      accountIdentity: accounts.identityOf(String(alice.id)),
      authTime: Math.floor(clock.now / 1000),
      signIn: expect.stringMatching(/^[\w-]{43}$/), // the browser's sign-in, by its hash: never the cookie itself
    },
  });
  expect(codes.redeem(back.get('code')!)).toMatchObject({ outcome: 'reused' });
});

it('keeps a redirect_uri query as it is, and the exact redirect_uri in the grant', async () => {
  const { app, codes } = await provider();
  const redirectUri = 'http://127.0.0.1:8080/cb?tenant=a%20b';
  const { answer } = await signIn(app, SAMPLE_LOGINS.bob, { ...VALID, redirect_uri: redirectUri, state: undefined });
  expect(answer.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:8080\/cb\?tenant=a%20b&code=[\w-]{43}&iss=http%3A%2F%2F127\.0\.0\.1%3A3000$/);
  const code = new URL(answer.headers.location as string).searchParams.get('code')!;
  expect(codes.redeem(code)).toMatchObject({ grant: { redirectUri } });
});

it('lets a provider session skip the form; prompt=login and an older sign-in than max_age bring it back', async () => {
  const { app, clock } = await provider();
  const { sessionCookie } = await signIn(app);
  const again = (parameters: Record<string, string | undefined>) =>
    request(app)
      .get(authorizeUrl({ ...VALID, ...parameters }))
      .set('Cookie', sessionCookie);

  expect(redirectParameters(await again({}).expect(302)).get('code')).toMatch(/^[\w-]{43}$/);
  expect(redirectParameters(await again({ prompt: 'none' }).expect(302)).get('code')).toMatch(/^[\w-]{43}$/);
  expect((await again({ prompt: 'login' }).expect(200)).text).toContain('name="password"');
  expect((await again({ max_age: '0' }).expect(200)).text).toContain('name="password"');

  clock.now += 100_000;
  expect((await again({ max_age: '60' }).expect(200)).text).toContain('name="password"');
  expect(redirectParameters(await again({ max_age: '300' }).expect(302)).get('code')).toMatch(/^[\w-]{43}$/);
  const tooOld = redirectParameters(await again({ max_age: '60', prompt: 'none' }).expect(302));
  expect(Object.fromEntries(tooOld)).toMatchObject({ error: 'login_required', state: 'state-123', iss: ISSUER });
});

it('answers prompt=none without a provider session (or with an unknown one) with login_required', async () => {
  const { app } = await provider();
  for (const cookie of ['', 'fake_jwt_api_op=' + 'x'.repeat(43)]) {
    const answer = await request(app)
      .get(authorizeUrl({ ...VALID, prompt: 'none' }))
      .set('Cookie', cookie)
      .expect(302);
    expect(Object.fromEntries(redirectParameters(answer))).toEqual({
      error: 'login_required',
      error_description: expect.any(String),
      state: 'state-123',
      iss: ISSUER,
    });
  }
});

it('forgets a provider session whose account is gone', async () => {
  const { app, accounts } = await provider();
  const { sessionCookie } = await signIn(app, SAMPLE_LOGINS.bob);
  await request(app).get(authorizeUrl(VALID)).set('Cookie', sessionCookie).expect(302);
  const bob = (await accounts.findByEmail(SAMPLE_LOGINS.bob.email))!;
  expect(await accounts.remove(String(bob.id))).toBe(true);
  await request(app).get(authorizeUrl(VALID)).set('Cookie', sessionCookie).expect(200);
});

describe('a request that cannot go back to its client', () => {
  it.each([
    ['no client_id', { client_id: undefined }],
    ['an empty client_id', { client_id: '' }],
    ['a client_id with a control character', { client_id: 'app\u0000' }],
    ['no redirect_uri', { redirect_uri: undefined }],
    ['a foreign redirect_uri', { redirect_uri: 'https://evil.example/callback' }],
    ['a redirect_uri with a fragment', { redirect_uri: `${REDIRECT}#frag` }],
    ['a redirect_uri with userinfo', { redirect_uri: 'http://me@localhost:5173/callback' }],
    ['a javascript: redirect_uri', { redirect_uri: 'javascript:alert(document.cookie)' }],
    ['a data: redirect_uri', { redirect_uri: 'data:text/html,<script>alert(1)</script>' }],
    ['http://localhost.evil.com', { redirect_uri: 'http://localhost.evil.com/callback' }],
    ['http://127.0.0.1.nip.io', { redirect_uri: 'http://127.0.0.1.nip.io/callback' }],
    ['a relative redirect_uri', { redirect_uri: '/callback' }],
  ])('gets an error page, never a redirect: %s', async (_name, change) => {
    const { app } = await provider();
    // Even with other errors in the request, and a provider session that could answer at once.
    for (const parameters of [
      { ...VALID, ...change },
      { ...VALID, ...change, response_type: 'token', prompt: 'none' },
    ]) {
      const answer = await request(app).get(authorizeUrl(parameters)).expect(400);
      expect(answer.headers.location).toBeUndefined();
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(answer.text).not.toContain('<script>');
    }
  });

  it('gets the error page from the form too, whatever it says', async () => {
    const { app } = await provider();
    const { form, csrfCookie } = await loginPage(app);
    const answer = await postForm(app, { ...form, ...SAMPLE_LOGINS.alice, redirect_uri: 'https://evil.example/cb' }, csrfCookie).expect(400);
    expect(answer.headers.location).toBeUndefined();
    expect(cookieOf(answer, 'fake_jwt_api_op')).toBeUndefined();
  });
});

describe('any other error goes back to the client, with state and iss', () => {
  it.each([
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
    ['no openid scope', { scope: 'profile email' }, 'invalid_scope'],
    ['a max_age that is no number', { max_age: 'soon' }, 'invalid_request'],
  ])('%s', async (_name, change, error) => {
    const { app } = await provider();
    const answer = await request(app)
      .get(authorizeUrl({ ...VALID, ...change }))
      .expect(302);
    expect(Object.fromEntries(redirectParameters(answer))).toEqual({ error, error_description: expect.any(String), state: 'state-123', iss: ISSUER });
    expect(answer.headers['cache-control']).toBe('no-store');
  });
});

describe('the CSRF double submit', () => {
  it.each([
    ['no cookie', (form: Record<string, string>) => ({ fields: form, cookie: '' })],
    ['no field', ({ csrf_token: _token, ...form }: Record<string, string>) => ({ fields: form, cookie: `fake_jwt_api_csrf=${_token}` })],
    ['another token in the cookie', (form: Record<string, string>) => ({ fields: form, cookie: `fake_jwt_api_csrf=${'A'.repeat(43)}` })],
    ['the same wrong value in both', (form: Record<string, string>) => ({ fields: { ...form, csrf_token: 'x' }, cookie: 'fake_jwt_api_csrf=x' })],
  ])('refuses a form with %s: 400, no code, no session', async (_name, tamper) => {
    const { app } = await provider();
    const { form } = await loginPage(app);
    const { fields, cookie } = tamper({ ...form, ...SAMPLE_LOGINS.alice });
    const answer = await postForm(app, fields, cookie).expect(400);
    expect(answer.headers.location).toBeUndefined();
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(cookieOf(answer, 'fake_jwt_api_op')).toBeUndefined();
  });
});

it('answers a wrong password and an unknown email with the same 401 page, and no session', async () => {
  const { app, decoyFor } = await provider();
  const { form, csrfCookie } = await loginPage(app);
  const attempt = async (email: string, password: string) => {
    const answer = await postForm(app, { ...form, email, password }, csrfCookie).expect(401);
    expect(answer.headers.location).toBeUndefined();
    expect(cookieOf(answer, 'fake_jwt_api_op')).toBeUndefined();
    expect(answer.text).toContain('The email or password is incorrect.');
    // The same page but for the email typed (kept in the field) and the style's nonce.
    expect(formsOf(answer.text)[0]).toMatchObject({ email, password: '', client_id: 'my-spa', csrf_token: form.csrf_token });
    return answer.text.replace(/(<input name="email" type="email"[^>]*value=")[^"]*/, '$1').replace(/nonce="[^"]*"/, 'nonce=""');
  };
  const wrongPassword = await attempt(SAMPLE_LOGINS.alice.email, 'not-her-password');
  expect(decoyFor).not.toHaveBeenCalled();
  expect(await attempt('nobody@example.com', 'whatever1')).toBe(wrongPassword);
  expect(decoyFor).toHaveBeenCalledWith('nobody@example.com');
});

it('offers the demo accounts as forms that sign in without JavaScript', async () => {
  const { app, codes, accounts } = await provider();
  const { page, csrfCookie } = await loginPage(app);
  const demoForms = formsOf(page.text).slice(1);
  expect(demoForms.map(({ email, password }) => ({ email, password }))).toEqual(accounts.demoAccounts().map(({ email, password }) => ({ email, password })));
  const aliceForm = demoForms.find(({ email }) => email === SAMPLE_LOGINS.alice.email)!;
  const answer = await postForm(app, aliceForm, csrfCookie).expect(302);
  const alice = (await accounts.findByEmail(SAMPLE_LOGINS.alice.email))!;
  expect(codes.redeem(redirectParameters(answer).get('code')!)).toMatchObject({
    grant: { accountId: String(alice.id), scopes: ['openid', 'profile', 'email'] },
  });
});

it('escapes a client_id, login_hint and state that hold markup', async () => {
  const { app } = await provider();
  const hostile = '"><script>alert(1)</script>';
  const { page, form } = await loginPage(app, { ...VALID, client_id: `app${hostile}`, login_hint: hostile, state: hostile });
  expect(page.text).not.toContain('<script>');
  expect(page.text).toContain('&lt;script&gt;');
  expect(form).toMatchObject({ client_id: `app${hostile}`, state: hostile, email: hostile });
});

it('sends the security headers with the page, the error page and the redirect', async () => {
  const { app } = await provider();
  const { page } = await loginPage(app);
  const errorPage = await request(app)
    .get(authorizeUrl({ ...VALID, redirect_uri: 'https://evil.example/' }))
    .expect(400);
  const redirect = await request(app)
    .get(authorizeUrl({ ...VALID, prompt: 'none' }))
    .expect(302);
  for (const answer of [page, errorPage, redirect]) {
    expect(answer.headers).toMatchObject({ 'x-frame-options': 'DENY', 'cache-control': 'no-store', 'referrer-policy': 'same-origin' });
    const csp = answer.headers['content-security-policy'] as string;
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[^']+'; /);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/form-action 'self'/);
  }
  // The form may go back to the client only: Chromium checks form-action against the redirect that answers it.
  expect(page.headers['content-security-policy']).toContain("form-action 'self' http://localhost:5173;");
  expect(errorPage.headers['content-security-policy']).toContain("form-action 'self';");
  const nonce = /style-src 'nonce-([^']+)'/.exec(page.headers['content-security-policy'] as string)![1];
  expect(page.text).toContain(`<style nonce="${nonce}">`);
});
