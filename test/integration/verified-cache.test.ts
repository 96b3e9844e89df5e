import request from 'supertest';
import { login, requestAs, useServer } from '../support';
import type { FakeJwtApi } from '../../src/app/create-server';

// README "Durability and speed": a token's signature is checked once and remembered by its exact text; its session,
// its revocation and its account are checked on every request. Each case below first makes the token pass (so it
// is remembered), then ends what it stands for, and expects the very next request to be refused.

const { serve } = useServer();
const START = Date.parse('2030-01-01T00:00:00Z');
let clock = START;
let api: FakeJwtApi;

beforeEach(async () => {
  clock = START;
  api = await serve({ accessTtl: '10m', allowReset: true, now: () => clock });
});

const me = (token: string) => requestAs(api.app, token, 'GET', '/auth/me');
const alice = () => login(api.app, 'alice@example.com', 'alice123');
const admin = () => login(api.app, 'admin@example.com', 'admin123');

/** A request with the token passes twice (verified, then remembered): the cache is in play from here on. */
async function remembered(token: string): Promise<void> {
  await me(token).expect(200);
  await me(token).expect(200);
}

const expectRefused = async (token: string, description: RegExp) => {
  const response = await me(token).expect(401);
  expect(response.body.error).toBe('invalid_token');
  expect(response.headers['www-authenticate']).toMatch(description);
};

describe('a remembered token is still checked against its session, revocation and account', () => {
  it('is refused once its session is logged out', async () => {
    const token = await alice();
    await remembered(token);
    await requestAs(api.app, token, 'POST', '/auth/logout').expect(204);
    await expectRefused(token, /session has ended|session/);
  });

  it('is refused once revoked (RFC 7009)', async () => {
    const token = await alice();
    await remembered(token);
    await request(api.app).post('/auth/revoke').send({ token }).expect(200);
    await expectRefused(token, /revoked|session/);
  });

  it('is refused once its account is deleted, and carries a role change at once', async () => {
    const [token, adminToken] = [await alice(), await admin()];
    await remembered(token);
    await requestAs(api.app, adminToken, 'PATCH', '/auth/users/2', { role: 'editor' }).expect(200);
    expect((await me(token).expect(200)).body.role).toBe('editor');
    await requestAs(api.app, token, 'GET', '/auth/users').expect(403);
    await requestAs(api.app, adminToken, 'DELETE', '/auth/users/2').expect(204);
    await me(token).expect(401);
  });

  it('is refused after POST /__reset', async () => {
    const [token, adminToken] = [await alice(), await admin()];
    await remembered(token);
    await requestAs(api.app, adminToken, 'POST', '/__reset').expect((response) => expect(response.status).toBeLessThan(300));
    await me(token).expect(401);
  });

  it('is refused once it expires, by the server clock', async () => {
    const token = await alice();
    await remembered(token);
    clock = START + 10 * 60_000 + 1_000;
    await expectRefused(token, /expired/);
  });
});

describe('a tampered copy of a remembered token is verified afresh, and refused', () => {
  const part = (value: string) => JSON.parse(Buffer.from(value, 'base64url').toString());
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('refuses each shape of tampering', async () => {
    const token = await alice();
    await remembered(token);
    const [header, payload, signature] = token.split('.');
    expect(part(header)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' }); // the default algorithm, checked with the public key
    const variants: Record<string, string> = {
      'role raised to admin': `${header}.${encode({ ...part(payload), role: 'admin' })}.${signature}`,
      'another sub': `${header}.${encode({ ...part(payload), sub: '1' })}.${signature}`,
      'exp pushed back': `${header}.${encode({ ...part(payload), exp: part(payload).exp + 3600 })}.${signature}`,
      'alg switched to HS256': `${encode({ ...part(header), alg: 'HS256' })}.${payload}.${signature}`,
      'alg none, no signature': `${encode({ ...part(header), alg: 'none' })}.${payload}.`,
      'a signature character changed': `${header}.${payload}.${signature.slice(0, 20)}${signature[20] === 'x' ? 'y' : 'x'}${signature.slice(21)}`,
      'the signature cut short': `${header}.${payload}.${signature.slice(0, -4)}`,
      'no signature': `${header}.${payload}.`,
    };
    for (const [shape, variant] of Object.entries(variants)) {
      const response = await me(variant);
      expect([shape, response.status]).toEqual([shape, 401]);
    }
    await me(token).expect(200);
  });

  it('never lets a token of another user pass with a remembered one of Alice', async () => {
    const aliceToken = await alice();
    await remembered(aliceToken);
    const bobToken = await login(api.app, 'bob@example.com', 'bob12345');
    const [, bobPayload] = bobToken.split('.');
    const [aliceHeader, , aliceSignature] = aliceToken.split('.');
    await me(`${aliceHeader}.${bobPayload}.${aliceSignature}`).expect(401);
    expect((await me(bobToken).expect(200)).body.email).toBe('bob@example.com');
  });
});
