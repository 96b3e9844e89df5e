/**
 * The OpenID provider wired into the server (README "Use it as your OpenID provider"): discovery names its
 * endpoints, the code flow runs through the whole pipeline (the auth origin gate included), reset() forgets codes
 * and provider sessions, and with HS256 the endpoints say how to get them.
 */
import request from 'supertest';
import { authorizeRequest, PROVIDER_REDIRECT, signInAtProvider, useServer } from '../support';

const { serve } = useServer();
const AUTHORIZE = authorizeRequest().url;

/** The login form of an authorization request, posted with alice's password from `origin`: whatever it answers. */
const signIn = (app: Parameters<typeof request>[0], origin?: string) => signInAtProvider(app, { origin, answerStatus: 'any' });

it('discovery names the endpoints, and a code from the login form buys tokens that open the data', async () => {
  const { app } = await serve();
  const discovery = (await request(app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000').expect(200)).body;
  expect(discovery).toMatchObject({
    issuer: 'http://localhost:3000',
    authorization_endpoint: 'http://localhost:3000/auth/authorize',
    token_endpoint: 'http://localhost:3000/auth/token',
    userinfo_endpoint: 'http://localhost:3000/auth/userinfo',
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
  });
  const { answer: redirect, exchange } = await signIn(app);
  expect(redirect.status).toBe(302);
  const tokens = (await exchange().expect(200)).body;
  expect(tokens).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String), access_token: expect.any(String) });
  await request(app).get('/auth/me').set('Authorization', `Bearer ${tokens.access_token}`).expect(200);
});

it('the login form posted from another site is refused by the auth origin gate, and no code is issued', async () => {
  const { app } = await serve();
  const response = (await signIn(app, 'https://evil.example')).answer;
  expect(response.status).toBe(403);
  expect(response.headers.location).toBeUndefined();
});

it('reset() forgets unused codes and provider sessions', async () => {
  const api = await serve();
  const signedIn = await signIn(api.app);
  expect(signedIn.answer.status).toBe(302);
  await api.reset();
  expect((await signedIn.exchange()).body.error).toBe('invalid_grant');
  // The provider session is gone too: the next authorization asks for the password again.
  const again = await request(api.app).get(AUTHORIZE).set('Cookie', signedIn.providerCookie!);
  expect(again.status).toBe(200);
  expect(again.text).toMatch(/type="password"/);
});

it('with HS256 the endpoints answer 404 saying the provider needs a key pair, and discovery names none', async () => {
  const { app } = await serve({ secret: 's'.repeat(32) });
  for (const path of ['/auth/authorize', '/auth/token', '/auth/userinfo']) {
    const response = await request(app).get(path);
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 404, error: 'not_found' });
    expect(response.body.message).toMatch(/--secret/);
  }
  expect((await request(app).get('/.well-known/openid-configuration').expect(200)).body.authorization_endpoint).toBeUndefined();
});

describe('--redirect-uri', () => {
  const asking = (redirectUri: string) => AUTHORIZE.replace(encodeURIComponent(PROVIDER_REDIRECT), encodeURIComponent(redirectUri));

  it('accepts that URI exactly as written, besides loopback ones, and nothing near it', async () => {
    const { app } = await serve({ redirectUris: ['https://myapp.test/callback'] });
    expect((await request(app).get(asking('https://myapp.test/callback'))).status).toBe(200);
    for (const near of ['https://myapp.test/callback/', 'https://myapp.test/callback2', 'http://myapp.test/callback', 'https://myapp.test:444/callback']) {
      const response = await request(app).get(asking(near));
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    }
    expect((await request(app).get(AUTHORIZE)).status).toBe(200);
  });

  it('without it, a URI off this machine is refused with a page that names the flag', async () => {
    const { app } = await serve();
    const response = await request(app).get(asking('https://myapp.test/callback'));
    expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    expect(response.text).toContain('--redirect-uri');
  });

  it('must be an http(s) URL without a fragment, or the server does not start', async () => {
    for (const bad of ['myapp.test/callback', 'ftp://myapp.test/', 'https://myapp.test/cb#x'])
      await expect(serve({ redirectUris: [bad] })).rejects.toMatchObject({ code: 'ERR_OPTION' });
  });
});
