/**
 * --trust (README "Use your own identity provider"): who the caller of a trusted provider's token is, what rules,
 * owners and roles make of them, and what --trust-audience, --role-claim, --trust-email-claim and --trust-jwks
 * change. The provider is oauth2-mock-server, an OIDC implementation of its own, in a child process; every token is
 * one its token endpoint issued.
 */
import { login, requestAs, SAMPLE_USERS, useServer } from '../support';
import { useMockIdps, type MockIdp } from '../support/mock-idp';
import type { ServerOptions } from '../../src/config/options';

const ROUTES = {
  '/notes': { '*': 'owner' },
  '/posts': { read: 'public', POST: 'authenticated', 'PUT PATCH DELETE': ['owner', 'admin'] },
  '/admin/*': { '*': 'admin' },
  '/drafts': { '*': 'editor' },
};
const DB = {
  notes: [
    { id: 1, text: 'alice note', userId: 2 },
    { id: 2, text: 'bob note', userId: 3 },
    { id: 3, text: 'carol note', userId: 'ext-7' },
  ],
  posts: [{ id: 1, title: 'alice post', userId: 2 }],
  admin: [{ id: 1, setting: 'on' }],
  drafts: [{ id: 1, text: 'a draft' }],
};

const startIdp = useMockIdps();
let idp: MockIdp;
beforeAll(async () => {
  idp = await startIdp();
});

const { serve } = useServer({ files: { 'db.json': DB, 'users.json': SAMPLE_USERS, 'routes.json': ROUTES } });
const trusting = async (options: Partial<ServerOptions> = {}) => (await serve({ trust: [idp.issuer], ...options })).app;

/** A token of an external caller, carol, whose provider account is no local account. */
const carol = (claims: Record<string, unknown> = {}) => idp.token({ sub: 'ext-7', email: 'carol@elsewhere.test', ...claims });

async function expectInvalidToken(response: { status: number; body: { error?: string }; headers: Record<string, string> }) {
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_token' });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="fake-jwt-api", error="invalid_token", error_description="[^"]+"$/);
}

describe('a token whose email claim is a local account', () => {
  it('makes the caller that account: its id, its records, its role (not the token’s)', async () => {
    const app = await trusting();
    const token = await idp.token({ sub: 'idp|alice', email: 'ALICE@example.com', role: 'admin' });
    const me = await requestAs(app, token, 'GET', '/auth/me').expect(200);
    expect(me.body).toMatchObject({ id: 2, email: 'alice@example.com' });
    expect((await requestAs(app, token, 'GET', '/notes').expect(200)).body).toEqual([DB.notes[0]]);
    expect((await requestAs(app, token, 'GET', '/notes/2')).status).toBe(403);
    expect((await requestAs(app, token, 'POST', '/notes', { text: 'new' }).expect(201)).body.userId).toBe(2);
    expect((await requestAs(app, token, 'PATCH', '/posts/1', { title: 'edited' }).expect(200)).body.title).toBe('edited');
    const admin = await requestAs(app, token, 'GET', '/admin');
    expect({ status: admin.status, error: admin.body.error }).toEqual({ status: 403, error: 'forbidden' });
  });

  it('with email_verified true is that account too; with email_verified false it is an external caller', async () => {
    const app = await trusting();
    const verified = await idp.token({ sub: 'idp|alice', email: 'alice@example.com', email_verified: true });
    expect((await requestAs(app, verified, 'GET', '/auth/me').expect(200)).body.id).toBe(2);
    const unverified = await idp.token({ sub: 'idp|alice', email: 'alice@example.com', email_verified: false });
    const me = await requestAs(app, unverified, 'GET', '/auth/me').expect(200);
    expect(me.body).toMatchObject({ id: 'idp|alice', issuer: idp.issuer });
    expect((await requestAs(app, unverified, 'GET', '/notes').expect(200)).body).toEqual([]);
    expect((await requestAs(app, unverified, 'GET', '/notes/1')).status).toBe(403);
  });

  it('is read from the claim --trust-email-claim names', async () => {
    const app = await trusting({ trustEmailClaim: 'upn' });
    const byUpn = await idp.token({ sub: 'idp|bob', upn: 'bob@example.com', email: 'alice@example.com' });
    expect((await requestAs(app, byUpn, 'GET', '/auth/me').expect(200)).body.id).toBe(3);
  });
});

describe('an external caller', () => {
  it('has GET /auth/me answer its sub, email, roles and issuer', async () => {
    const app = await trusting();
    const me = await requestAs(app, await carol(), 'GET', '/auth/me').expect(200);
    expect(me.body).toEqual({ id: 'ext-7', email: 'carol@elsewhere.test', role: 'user', roles: ['user'], issuer: idp.issuer });
    const withoutEmail = await requestAs(app, await idp.token({ sub: 'ext-8', role: ['editor', 'reader'] }), 'GET', '/auth/me').expect(200);
    expect(withoutEmail.body).toEqual({ id: 'ext-8', role: 'editor', roles: ['editor', 'reader'], issuer: idp.issuer });
  });

  it('owns the records whose userId is its sub, and a POST stamps its sub', async () => {
    const app = await trusting();
    const token = await carol();
    expect((await requestAs(app, token, 'GET', '/notes').expect(200)).body).toEqual([DB.notes[2]]);
    expect((await requestAs(app, token, 'GET', '/notes/1')).status).toBe(403);
    expect((await requestAs(app, token, 'PATCH', '/notes/3', { text: 'changed' }).expect(200)).body.text).toBe('changed');
    const created = await requestAs(app, token, 'POST', '/notes', { text: 'second' }).expect(201);
    expect(created.body.userId).toBe('ext-7');
    expect((await requestAs(app, token, 'POST', '/notes', { text: 'as alice', userId: 2 })).status).toBe(403);
    expect((await requestAs(app, token, 'GET', '/notes').expect(200)).body.map((note: { id: number }) => note.id)).toEqual([3, created.body.id]);
    expect((await requestAs(app, token, 'PATCH', '/posts/1', { title: 'not mine' })).status).toBe(403);
    // Alice does not see what carol wrote.
    const alice = await login(app, 'alice@example.com', 'alice123');
    expect((await requestAs(app, alice, 'GET', '/notes').expect(200)).body).toEqual([DB.notes[0]]);
  });

  it('has the role its role claim names, and the default role without one', async () => {
    const app = await trusting();
    await requestAs(app, await carol({ role: 'editor' }), 'GET', '/drafts').expect(200);
    const refused = await requestAs(app, await carol(), 'GET', '/drafts');
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 403, error: 'forbidden' });
    expect(refused.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
  });

  it('has each role of an array at a dotted --role-claim path (realm_access.roles), and no role from `role` then', async () => {
    const app = await trusting({ roleClaim: 'realm_access.roles' });
    const token = await carol({ realm_access: { roles: ['reader', 'editor'] } });
    await requestAs(app, token, 'GET', '/drafts').expect(200);
    expect((await requestAs(app, token, 'GET', '/auth/me').expect(200)).body).toMatchObject({ role: 'reader', roles: ['reader', 'editor'] });
    expect((await requestAs(app, await carol({ role: 'editor' }), 'GET', '/drafts')).status).toBe(403);
  });

  it('has the roles of a namespaced claim whose name has dots of its own', async () => {
    const app = await trusting({ roleClaim: 'https://example.com/roles' });
    const token = await carol({ 'https://example.com/roles': ['viewer', 'admin'] });
    await requestAs(app, token, 'GET', '/admin').expect(200);
    await requestAs(app, token, 'PATCH', '/posts/1', { title: 'by an admin' }).expect(200);
    expect((await requestAs(app, await carol({ role: 'admin' }), 'GET', '/admin')).status).toBe(403);
  });

  it('with the admin role in its claim reaches the admin-only endpoints; without it it does not', async () => {
    const app = await trusting();
    const admin = await carol({ role: 'admin' });
    expect((await requestAs(app, admin, 'GET', '/auth/users').expect(200)).body).toHaveLength(SAMPLE_USERS.length);
    await requestAs(app, admin, 'GET', '/db').expect(200);
    const user = await requestAs(app, await carol({ role: 'user' }), 'GET', '/auth/users');
    expect({ status: user.status, error: user.body.error }).toEqual({ status: 403, error: 'forbidden' });
  });
});

describe('sessions of this server', () => {
  it('are not a trusted token’s: its session endpoints answer 403, and introspection says it is not active', async () => {
    const app = await trusting();
    for (const token of [await carol(), await idp.token({ sub: 'idp|alice', email: 'alice@example.com' })]) {
      const attempts: Array<[string, string, unknown?]> = [
        ['PATCH', '/auth/me', { name: 'Someone' }],
        ['POST', '/auth/password', { currentPassword: 'alice123', newPassword: 'another-password-1' }],
        ['GET', '/auth/sessions'],
        ['DELETE', '/auth/sessions/any'],
        ['POST', '/auth/logout'],
      ];
      for (const [method, url, body] of attempts) {
        const response = await requestAs(app, token, method, url, body);
        expect({ method, url, status: response.status, error: response.body.error }).toEqual({ method, url, status: 403, error: 'forbidden' });
        expect(response.body.message).toContain(idp.issuer);
      }
      // Still good afterwards: nothing above ended anything.
      await requestAs(app, token, 'GET', '/auth/me').expect(200);
    }
    const admin = await login(app, 'admin@example.com', 'admin123');
    const introspected = await requestAs(app, admin, 'POST', '/auth/introspect', { token: await carol({ role: 'admin' }) }).expect(200);
    expect(introspected.body).toEqual({ active: false });
  });
});

describe('--trust-audience', () => {
  it('accepts a token whose aud (string or array) names one of them, and refuses one that names none', async () => {
    const app = await trusting({ trustAudience: ['api://notes', 'api://spare'] });
    await requestAs(app, await carol({ aud: 'api://notes' }), 'GET', '/notes').expect(200);
    await requestAs(app, await carol({ aud: ['api://other', 'api://spare'] }), 'GET', '/notes').expect(200);
    for (const aud of ['api://other', ['api://other', 'api://more'], null]) {
      const response = await requestAs(app, await carol({ aud }), 'GET', '/notes');
      await expectInvalidToken(response);
      expect(response.headers['www-authenticate']).toMatch(/audience/);
    }
  });

  it('left out, lets any audience in', async () => {
    const app = await trusting();
    await requestAs(app, await carol({ aud: 'api://anything' }), 'GET', '/notes').expect(200);
    await requestAs(app, await carol({ aud: null }), 'GET', '/notes').expect(200);
  });
});

describe('the keys of a trusted issuer', () => {
  it('may be EC or Ed25519 keys: each is used with the algorithm it declares', async () => {
    for (const alg of ['ES256', 'ES384', 'EdDSA'] as const) {
      const provider = await startIdp({ keys: [alg] });
      const app = (await serve({ trust: [provider.issuer] })).app;
      const me = await requestAs(app, await provider.token({ sub: 'ext-ec' }), 'GET', '/auth/me');
      expect({ alg, status: me.status, id: me.body.id }).toEqual({ alg, status: 200, id: 'ext-ec' });
    }
  });

  it('come from --trust-jwks for an issuer without discovery; without it its tokens get 401 and a warning', async () => {
    const bare = await startIdp({ discovery: false });
    const without = await serve({ trust: [bare.issuer] });
    expect(without.warnings.join('\n')).toContain(bare.issuer);
    const refused = await requestAs(without.app, await bare.token(), 'GET', '/auth/me');
    await expectInvalidToken(refused);
    expect(refused.headers['www-authenticate']).toMatch(/keys/);

    const api = await serve({ trust: [bare.issuer], trustJwks: [bare.jwksUri] });
    expect(api.warnings.join('\n')).not.toContain(bare.issuer);
    expect((await requestAs(api.app, await bare.token({ sub: 'ext-bare' }), 'GET', '/auth/me').expect(200)).body.id).toBe('ext-bare');
  });

  it('are taken from a discovery document only if it names the issuer trusted', async () => {
    // Its discovery document names another issuer: what its tokens say of themselves, not what was trusted.
    const liar = await startIdp({ issuer: 'http://127.0.0.1:9/someone-else' });
    const api = await serve({ trust: [liar.url] });
    expect(api.warnings.join('\n')).toContain(liar.url);
    await expectInvalidToken(await requestAs(api.app, await liar.token({ iss: liar.url }), 'GET', '/auth/me'));
  });

  it('of several issuers are each their own, JWKS URLs named per issuer', async () => {
    const second = await startIdp({ discovery: false });
    const app = await trusting({ trust: [idp.issuer, second.issuer], trustJwks: [`${second.issuer}=${second.jwksUri}`] });
    expect((await requestAs(app, await carol(), 'GET', '/auth/me').expect(200)).body.issuer).toBe(idp.issuer);
    const other = await requestAs(app, await second.token({ sub: 'ext-2' }), 'GET', '/auth/me').expect(200);
    expect(other.body).toMatchObject({ id: 'ext-2', issuer: second.issuer });
  });
});
