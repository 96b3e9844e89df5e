/**
 * The client_credentials grant (RFC 6749 §4.4) for confidential clients of the clients list, through the whole app:
 * the token endpoint's answers and refusals, the service token at the authenticate step (its client's role for the
 * rules, no owner, no account), revocation and introspection, discovery, and the forgeries it must not let in.
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import type { ServerOptions } from '../../src/config/options';
import { login, loginPair, requestAs, SAMPLE_USERS, useServer } from '../support';

type App = Parameters<typeof request>[0];

const SECRET = 'correct horse battery staple';
const CLIENTS: ServerOptions['clients'] = [
  { id: 'reporter', secret: SECRET, grants: ['client_credentials'], role: 'reporter', accessTtl: '2m' },
  { id: 'ops', secret: 'ops-secret', grants: ['client_credentials', 'authorization_code'], role: 'admin' },
  { id: 'plain', secret: 'plain-secret', grants: ['client_credentials'] },
  { id: 'bff', secret: 'bff-secret', grants: ['authorization_code'] },
  { id: 'spa' },
];
const ROUTES = { '/posts': { read: ['reporter', 'owner'], '*': 'owner' }, '/notes': { '*': ['owner', 'admin'] }, '/profile': { read: 'authenticated' } };

const { project, serve } = useServer({
  files: { 'db.json': { posts: [{ id: 1, title: 'p', userId: 2 }], notes: [{ id: 1, text: 'n', userId: 2 }], profile: {} }, 'users.json': SAMPLE_USERS },
  defaults: { alg: 'RS256', clients: CLIENTS, routes: ROUTES, allowReset: true },
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** POST /auth/token with grant_type=client_credentials: client_secret_basic when `authorization` is given, else the body. */
function grant(app: App, fields: Record<string, string>, authorization?: string) {
  const post = request(app).post('/auth/token').type('form');
  if (authorization !== undefined) post.set('Authorization', authorization);
  return post.send({ grant_type: 'client_credentials', ...fields });
}

async function serviceToken(app: App, id = 'reporter', secret = SECRET): Promise<string> {
  const response = await grant(app, {}, basic(id, secret)).expect(200);
  return response.body.access_token as string;
}

/** Signs `payload` with the server's own key, in the header of one of its access tokens: forgeries only we could make. */
function signWithOurKey(likeToken: string, payload: object): string {
  const [stored] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
  const { header } = jwt.decode(likeToken, { complete: true })!;
  return jwt.sign(payload, createPrivateKey(stored.privateKey), { algorithm: 'RS256', header: header as jwt.JwtHeader });
}

describe('the token endpoint', () => {
  it('gives a confidential client with the grant an access token, with Basic or in the body: no refresh token, no ID token', async () => {
    const { app } = await serve();
    for (const response of [await grant(app, {}, basic('reporter', SECRET)), await grant(app, { client_id: 'reporter', client_secret: SECRET })]) {
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 120 }); // the client's accessTtl
      expect(response.headers['cache-control']).toBe('no-store');
      const claims = jwt.decode(response.body.access_token) as JwtPayload;
      expect(claims).toMatchObject({ sub: 'client:reporter', client_id: 'reporter', role: 'reporter' });
      expect(claims.sid).toBeUndefined();
      expect(claims.email).toBeUndefined();
    }
  });

  it("gives the server's lifetime and the default role to a client without its own", async () => {
    const { app } = await serve({ accessTtl: '7m', defaultRole: 'customer' });
    const response = await grant(app, { client_id: 'plain', client_secret: 'plain-secret' }).expect(200);
    expect(response.body.expires_in).toBe(420);
    const me = await requestAs(app, response.body.access_token, 'GET', '/profile');
    expect(me.status).toBe(200);
  });

  it.each([
    ['a wrong secret', { client_id: 'reporter', client_secret: 'wrong' }, undefined, 401, 'invalid_client'],
    ['a wrong secret with Basic', {}, basic('reporter', 'wrong'), 401, 'invalid_client'],
    ['no secret', { client_id: 'reporter' }, undefined, 401, 'invalid_client'],
    ['no client at all', {}, undefined, 401, 'invalid_client'],
    ['a listed public client', { client_id: 'spa', client_secret: 'anything' }, undefined, 401, 'invalid_client'],
    ['a client that is not listed', {}, basic('stranger', 'x'), 401, 'invalid_client'],
    ['a confidential client without the grant', { client_id: 'bff', client_secret: 'bff-secret' }, undefined, 400, 'unauthorized_client'],
  ])('refuses %s', async (_case, fields, authorization, status, error) => {
    const { app } = await serve();
    const response = await grant(app, fields, authorization);
    expect({ status: response.status, error: response.body.error }).toEqual({ status, error });
    expect(response.body.access_token).toBeUndefined();
    // RFC 6749 §5.2: a 401 challenges for the scheme the client authenticates with.
    expect(response.headers['www-authenticate']).toBe(status === 401 ? 'Basic realm="fake-jwt-api"' : undefined);
  });

  it('refuses a code to a client that has only client_credentials', async () => {
    const { app } = await serve();
    const response = await request(app)
      .post('/auth/token')
      .type('form')
      .send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://localhost/cb', code_verifier: 'v'.repeat(43) })
      .set('Authorization', basic('reporter', SECRET));
    expect(response.body.error).toBe('unauthorized_client');
  });

  it('never sends a browser back to a client that has only client_credentials: an error page at /auth/authorize', async () => {
    const { app } = await serve();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: 'reporter',
      redirect_uri: 'http://localhost:5173/cb',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const response = await request(app).get(`/auth/authorize?${query}`).expect(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.text).toContain('registered for client_credentials only');
    // A client with both grants signs in as any other.
    await request(app)
      .get(`/auth/authorize?${query.toString().replace('client_id=reporter', 'client_id=ops')}`)
      .expect(200);
  });
});

describe('a service token', () => {
  it("has its client's role for the rules, and owns nothing: an owner rule refuses it, unless its role passes (admin)", async () => {
    const { app } = await serve();
    const token = await serviceToken(app);
    expect((await requestAs(app, token, 'GET', '/posts')).body).toEqual([{ id: 1, title: 'p', userId: 2 }]); // as a reporter
    expect((await requestAs(app, token, 'POST', '/posts', { title: 'mine?' })).status).toBe(403);
    expect((await requestAs(app, token, 'GET', '/notes')).status).toBe(403);
    expect((await requestAs(app, token, 'POST', '/notes', { text: 'mine?' })).status).toBe(403);
    const admin = await serviceToken(app, 'ops', 'ops-secret');
    expect((await requestAs(app, admin, 'GET', '/notes')).body).toHaveLength(1);
    // A user's owner rule still works beside it.
    expect((await requestAs(app, await login(app, 'alice@example.com', 'alice123'), 'GET', '/notes')).body).toHaveLength(1);
  });

  it.each([
    ['GET', '/auth/me'],
    ['PATCH', '/auth/me'],
    ['GET', '/auth/userinfo'],
    ['GET', '/auth/sessions'],
    ['DELETE', '/auth/sessions/abc'],
    ['POST', '/auth/logout'],
    ['POST', '/auth/logout-all'],
    ['POST', '/auth/password'],
  ])('gets a 403 saying it is a service token at %s %s', async (method, url) => {
    const { app } = await serve();
    const response = await requestAs(app, await serviceToken(app), method, url, {});
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 403, error: 'forbidden' });
    expect(response.body.message).toMatch(/service token of the client "reporter"/);
  });

  it('is no refresh token: /auth/refresh asks for one, and refuses it as one', async () => {
    const { app } = await serve();
    const token = await serviceToken(app);
    expect((await requestAs(app, token, 'POST', '/auth/refresh', {})).status).toBe(400);
    expect((await request(app).post('/auth/refresh').send({ refreshToken: token })).status).toBe(401);
  });

  it('is revoked at /auth/revoke, and introspected by an admin', async () => {
    const { app } = await serve();
    const token = await serviceToken(app);
    const admin = await login(app, 'admin@example.com', 'admin123');
    const introspect = () => requestAs(app, admin, 'POST', '/auth/introspect', { token });
    expect((await introspect()).body).toMatchObject({ active: true, sub: 'client:reporter', role: 'reporter', service: { clientId: 'reporter' } });
    expect((await request(app).post('/auth/revoke').send({ token })).status).toBe(200);
    const after = await requestAs(app, token, 'GET', '/profile');
    expect(after.status).toBe(401);
    expect(after.headers['www-authenticate']).toMatch(/revoked/);
    expect((await introspect()).body).toEqual({ active: false });
  });

  it('stays good across /__reset (it comes from the config); one revoked stays revoked, as every revoked token', async () => {
    const { app } = await serve();
    const admin = await login(app, 'admin@example.com', 'admin123');
    const kept = await serviceToken(app);
    const revoked = await serviceToken(app);
    await request(app).post('/auth/revoke').send({ token: revoked }).expect(200);
    await requestAs(app, admin, 'POST', '/__reset').expect(204);
    expect((await requestAs(app, kept, 'GET', '/profile')).status).toBe(200);
    expect((await requestAs(app, revoked, 'GET', '/profile')).status).toBe(401);
  });

  it('dies with its client: removed from the clients list, or its grant taken away, then a restart', async () => {
    const first = await serve();
    const token = await serviceToken(first.app);
    expect((await requestAs(first.app, token, 'GET', '/profile')).status).toBe(200);
    await first.close();
    const withoutIt = await serve({ clients: CLIENTS!.filter((client) => client.id !== 'reporter') });
    const refused = await requestAs(withoutIt.app, token, 'GET', '/profile');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/not in the clients list/);
    await withoutIt.close();
    const noGrant = await serve({ clients: [{ id: 'reporter', secret: SECRET, grants: ['authorization_code'] }] });
    expect((await requestAs(noGrant.app, token, 'GET', '/profile')).status).toBe(401);
  });
});

describe('forgeries signed with our own key', () => {
  it('refuses a token with neither sid nor the marker, and a marker token of an unknown client or one without the grant', async () => {
    const { app } = await serve();
    const real = jwt.decode(await serviceToken(app)) as JwtPayload;
    const { sid: _none, ...base } = real;
    const forged = {
      'no sid, no marker': { ...base, client_id: undefined, sub: '2', email: 'alice@example.com' },
      'no sid, a client_id, a sub that is not client:<id>': { ...base, sub: '2' },
      'an unknown client': { ...base, sub: 'client:stranger', client_id: 'stranger' },
      'a client without the grant': { ...base, sub: 'client:bff', client_id: 'bff' },
      'a public client': { ...base, sub: 'client:spa', client_id: 'spa' },
    };
    const token = await serviceToken(app);
    for (const [name, payload] of Object.entries(forged)) {
      const response = await requestAs(app, signWithOurKey(token, payload), 'GET', '/profile');
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
    }
    // The control: the same signing makes a good token of a real one.
    expect((await requestAs(app, signWithOurKey(token, real), 'GET', '/profile')).status).toBe(200);
  });

  it("never turns a user's access token with the marker added into a service token", async () => {
    const { app } = await serve();
    const { accessToken } = await loginPair(app, 'bob@example.com', 'bob12345');
    const user = jwt.decode(accessToken) as JwtPayload;
    const marked = signWithOurKey(accessToken, { ...user, client_id: 'ops', service: { clientId: 'ops' } });
    // Still bob's session token: his role (user), his identity, not the admin client's.
    const me = await requestAs(app, marked, 'GET', '/auth/me');
    expect(me.body).toMatchObject({ id: 3, email: 'bob@example.com' });
    expect((await requestAs(app, marked, 'GET', '/notes')).body).toEqual([]); // bob owns none; ops (admin) would see all
    const admin = await login(app, 'admin@example.com', 'admin123');
    expect((await requestAs(app, admin, 'POST', '/auth/introspect', { token: marked })).body.service).toBeUndefined();
    // With the session's sid gone too, it is the shape of no token at all.
    const { sid: _sid, ...noSid } = user;
    expect((await requestAs(app, signWithOurKey(accessToken, { ...noSid, client_id: 'ops' }), 'GET', '/profile')).status).toBe(401);
  });
});

describe('discovery', () => {
  it('names client_credentials only when a client of the list has it', async () => {
    const grants = async (options: Partial<ServerOptions>) =>
      (
        await request((await serve(options)).app)
          .get('/.well-known/openid-configuration')
          .expect(200)
      ).body.grant_types_supported;
    expect(await grants({})).toContain('client_credentials');
    expect(await grants({ clients: [{ id: 'bff', secret: 'x' }] })).toEqual(['authorization_code', 'refresh_token']);
  });
});
