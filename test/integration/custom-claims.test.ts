/**
 * --claims (README "Custom claims"): profile fields of the account in the tokens the server issues, at /auth/login,
 * /auth/register, /auth/refresh and the OpenID provider's token endpoint (access and ID tokens), as of minting;
 * never one of the server's own claims, whatever the accounts file says. The command line's refusal of a reserved
 * name is in test/e2e/custom-claims-cli.test.ts (it spawns the built CLI).
 */
import jwt, { type JwtPayload } from 'jsonwebtoken';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { loginPair, requestAs, signInAtProvider, useServer } from '../support';

type App = FakeJwtApi['app'];

const CLAIMS = ['name', 'department', 'address', 'tags', 'active'];
const ALICE = { email: 'alice@example.com', password: 'alice123' };
const USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  {
    ...{ id: 2, ...ALICE, role: 'user', name: 'Alice', department: 'Sales', address: { city: 'Paris', zip: '75001' }, tags: ['a', 'b'], active: false },
    // Written by hand in users.json, named like claims the server sets: never what a token says.
    ...{ sub: '1', iss: 'https://evil.example', roles: ['admin'], email_verified: true, sid: 'forged' },
  },
  { id: 3, email: 'bob@example.com', password: 'bob12345', name: 'Bob' },
];

const { serve } = useServer({ files: { 'db.json': { posts: [] }, 'users.json': USERS }, defaults: { claims: CLAIMS } });
const payloadOf = (token: string) => jwt.decode(token) as JwtPayload;
const issuerOf = async (app: App) =>
  (await request(app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000').expect(200)).body.issuer as string;

describe('the tokens of /auth', () => {
  it('carry the listed profile fields of the account at login, as the JSON they are', async () => {
    const { app } = await serve();
    const token = payloadOf((await loginPair(app, ALICE.email, ALICE.password)).accessToken);
    expect(token).toMatchObject({ name: 'Alice', department: 'Sales', address: { city: 'Paris', zip: '75001' }, tags: ['a', 'b'], active: false });
  });

  it('leave out a field the account lacks, and every field not listed', async () => {
    const { app } = await serve();
    const token = payloadOf((await loginPair(app, 'bob@example.com', 'bob12345')).accessToken);
    expect(token.name).toBe('Bob');
    for (const absent of ['department', 'address', 'tags', 'active']) expect(token).not.toHaveProperty(absent);
    const unlisted = payloadOf((await loginPair((await serve({ claims: ['department'] })).app, ALICE.email, ALICE.password)).accessToken);
    expect(unlisted.department).toBe('Sales');
    expect(unlisted).not.toHaveProperty('name');
  });

  it('are none without --claims', async () => {
    const { app } = await serve({ claims: undefined });
    const token = payloadOf((await loginPair(app, ALICE.email, ALICE.password)).accessToken);
    for (const absent of CLAIMS) expect(token).not.toHaveProperty(absent);
  });

  it('carry them at registration', async () => {
    const { app } = await serve();
    const fields = { email: 'carol@example.com', password: 'carol-password', name: 'Carol', department: 'R&D', tags: [1, { x: true }] };
    const { body } = await request(app).post('/auth/register').send(fields).expect(201);
    expect(payloadOf(body.accessToken)).toMatchObject({ name: 'Carol', department: 'R&D', tags: [1, { x: true }] });
  });

  it('say what the account held when they were minted: a profile change shows in the next refresh', async () => {
    const { app } = await serve();
    const first = await loginPair(app, ALICE.email, ALICE.password);
    await requestAs(app, first.accessToken, 'PATCH', '/auth/me', { department: 'Support', address: { city: 'Lyon' } }).expect(200);
    expect(payloadOf(first.accessToken).department).toBe('Sales');
    const { body } = await request(app).post('/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    expect(payloadOf(body.accessToken)).toMatchObject({ department: 'Support', address: { city: 'Lyon' }, name: 'Alice' });
    expect(payloadOf(body.accessToken).address).toEqual({ city: 'Lyon' });
  });

  it("never let an account's fields stand in for the server's claims, nor what it trusts", async () => {
    const { app } = await serve();
    const { accessToken } = (await request(app).post('/auth/login').set('Host', 'localhost:3000').send(ALICE).expect(200)).body;
    const token = payloadOf(accessToken);
    expect(token).toMatchObject({ sub: '2', email: ALICE.email, role: 'user', iss: await issuerOf(app) });
    expect(token.iss).toBe('http://localhost:3000');
    expect(token.sid).not.toBe('forged');
    expect(token).not.toHaveProperty('roles');
    expect((await requestAs(app, accessToken, 'GET', '/auth/me').expect(200)).body).toMatchObject({ id: 2, email: ALICE.email });
    // The admin's rights stay the admin's: alice's hand-written `sub: "1"` and `roles: ["admin"]` give her none.
    await requestAs(app, accessToken, 'POST', '/auth/introspect', { token: accessToken }).expect(403);
  });

  it('keep introspection in its own words: a profile field named `active` never says an active token is not', async () => {
    const { app } = await serve();
    const alice = (await loginPair(app, ALICE.email, ALICE.password)).accessToken;
    const admin = (await loginPair(app, 'admin@example.com', 'admin123')).accessToken;
    const { body } = await requestAs(app, admin, 'POST', '/auth/introspect', { token: alice }).expect(200);
    expect(body).toMatchObject({ active: true, token_type: 'access_token', sub: '2', department: 'Sales' });
  });
});

describe('a name the server sets itself', () => {
  it.each([
    ['role', /--claims: "role" is set by the server itself and cannot come from a profile field/],
    ['sub', /--claims: "sub" is a registered JWT claim/],
    ['nonce', /--claims: "nonce" is an ID token claim/],
    ['passwordHash', /--claims: "passwordHash" is an account field no client may set/],
    ['preferred_username', /--claims: "preferred_username" is set by the server itself/],
  ])('stops the start: %s', async (name, message) => {
    await expect(serve({ claims: ['name', name] })).rejects.toMatchObject({ code: 'ERR_OPTION', exitCode: 2, message: expect.stringMatching(message) });
  });

  it('as do a malformed name and a name listed twice', async () => {
    await expect(serve({ claims: ['first name'] })).rejects.toMatchObject({ code: 'ERR_OPTION', message: expect.stringContaining('is not a claim name') });
    await expect(serve({ claims: ['name', 'name'] })).rejects.toMatchObject({ code: 'ERR_OPTION', message: '--claims: "name" is listed twice' });
  });
});

describe('the OpenID provider', () => {
  /** Alice signs in on the login page; her code, exchanged at the token endpoint. */
  async function codeFlow(app: App, scope: string) {
    const signedIn = await signInAtProvider(app, { clientId: 'spa', scope, credentials: ALICE });
    return (await signedIn.exchange().expect(200)).body;
  }

  it('puts them in the ID token whatever the scopes, and in the access token, without touching their own claims', async () => {
    const { app } = await serve();
    const tokens = await codeFlow(app, 'openid');
    const idToken = payloadOf(tokens.id_token);
    expect(idToken).toMatchObject({ name: 'Alice', department: 'Sales', address: { city: 'Paris', zip: '75001' }, tags: ['a', 'b'], active: false });
    expect(idToken).toMatchObject({ sub: '2', aud: 'spa', iss: payloadOf(tokens.access_token).iss });
    expect(idToken.iss).not.toBe('https://evil.example');
    expect(idToken.sid).toBe(payloadOf(tokens.access_token).sid);
    expect(idToken).not.toHaveProperty('email'); // no email scope: the profile's own claims still follow the scopes
    expect(payloadOf(tokens.access_token)).toMatchObject({ sub: '2', role: 'user', name: 'Alice', department: 'Sales' });
  });

  it("keeps the profile scope's claims as they were", async () => {
    const { app } = await serve();
    const idToken = payloadOf((await codeFlow(app, 'openid profile email')).id_token);
    expect(idToken).toMatchObject({ name: 'Alice', department: 'Sales', email: ALICE.email, email_verified: true, sub: '2' });
  });

  it('gives the refresh_token grant the account as it is then', async () => {
    const { app } = await serve();
    const tokens = await codeFlow(app, 'openid offline_access');
    await requestAs(app, tokens.access_token, 'PATCH', '/auth/me', { department: 'Support' }).expect(200);
    const refresh = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'spa' };
    const { body } = await request(app).post('/auth/token').type('form').send(refresh).expect(200);
    expect(payloadOf(body.access_token).department).toBe('Support');
    expect(payloadOf(body.id_token)).toMatchObject({ department: 'Support', sub: '2' });
    expect(payloadOf(tokens.id_token).department).toBe('Sales');
  });
});
