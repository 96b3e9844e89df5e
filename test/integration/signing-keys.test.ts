import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { FakeJwtApi } from '../../src/app/create-server';
import { signEdDSA } from '../../src/auth/eddsa';
import { login, useServer } from '../support';

const { project, serve } = useServer();
const ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
const decode = (token: string) => jwt.decode(token, { complete: true })!;

async function refused(api: FakeJwtApi, token: string): Promise<string> {
  const response = await request(api.app).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  expect(response.body.error).toBe('invalid_token');
  return String(response.headers['www-authenticate']);
}

async function jwks(api: FakeJwtApi): Promise<Array<Record<string, string>>> {
  return (await request(api.app).get('/.well-known/jwks.json').expect(200)).body.keys;
}

describe.each(ALGORITHMS)('--alg %s', (alg) => {
  let api: FakeJwtApi;
  let token: string;

  beforeEach(async () => {
    api = await serve({ alg });
    token = await login(api.app, 'alice@example.com', 'alice123');
  });

  it('signs with a key pair named by its RFC 7638 thumbprint, and verifies its own tokens', async () => {
    const { header, payload } = decode(token);
    expect(header).toEqual({ alg, typ: 'at+jwt', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(payload).toMatchObject({ iss: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    await request(api.app).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('publishes the public key only, with kid, alg and use, and the token verifies with it', async () => {
    const keys = await jwks(api);
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key).toMatchObject({ kid: decode(token).header.kid, alg, use: 'sig' });
    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    const publicKey = createPublicKey({ key, format: 'jwk' });
    expect(publicKey.type).toBe('public');
    if (alg !== 'EdDSA') expect(() => jwt.verify(token, publicKey, { algorithms: [alg] })).not.toThrow();
  });

  it('keeps the key pair in the state folder, mode 0600, and signs with it again after a restart', async () => {
    const file = project.file('.fake-jwt-api/keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await api.close();
    const again = await serve({ alg });
    await request(again.app).get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(decode(await login(again.app, 'bob@example.com', 'bob12345')).header.kid).toBe(decode(token).header.kid);
  });

  describe('refuses forged headers (RFC 8725 §2.1, §3.1): the key and its algorithm are ours, never the token’s', () => {
    const resign = (header: Record<string, unknown>, key: KeyObject, algorithm: jwt.Algorithm) =>
      jwt.sign(decode(token).payload as object, key, { algorithm, header: { ...decode(token).header, ...header } as unknown as jwt.JwtHeader });

    it('an HS256 token keyed with our public key, as PEM bytes and as JWK JSON bytes', async () => {
      const [key] = await jwks(api);
      const pem = createPublicKey({ key, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
      for (const secret of [pem, pem.trim(), JSON.stringify(key)]) {
        const unsigned = `${encode({ ...decode(token).header, alg: 'HS256' })}.${token.split('.')[1]}`;
        const forged = `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
        expect(await refused(api, forged)).toMatch(/algorithm/);
      }
    });

    it('alg none, with and without a signature part', async () => {
      const unsigned = `${encode({ ...decode(token).header, alg: 'none' })}.${token.split('.')[1]}`;
      await refused(api, `${unsigned}.`);
      await refused(api, `${unsigned}.${token.split('.')[2]}`);
    });

    it('a wrong kid, a missing kid, and a kid of a key pair that is not ours', async () => {
      const [, payload, signature] = token.split('.');
      const withHeader = (header: object) => `${encode(header)}.${payload}.${signature}`;
      const { kid: _kid, ...withoutKid } = decode(token).header as unknown as Record<string, unknown>;
      expect(await refused(api, withHeader({ ...decode(token).header, kid: 'not-a-key-of-ours' }))).toMatch(/kid/);
      expect(await refused(api, withHeader(withoutKid))).toMatch(/kid/);
      const theirs = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      await refused(api, resign({ alg: 'ES256', kid: 'attacker' }, theirs.privateKey, 'ES256'));
    });

    it('a jwk, jku, x5u or x5c header naming the attacker’s own key, signed with it', async () => {
      const theirs = generateKeyPairSync('ed25519');
      const jwk = theirs.publicKey.export({ format: 'jwk' });
      for (const header of [{ jwk }, { jku: 'https://attacker.example/jwks.json' }, { x5u: 'https://attacker.example/cert.pem' }, { x5c: ['MIIB'] }]) {
        const forged = signEdDSA(decode(token).payload as object, theirs.privateKey, { ...decode(token).header, ...header });
        expect(await refused(api, forged)).toMatch(/names a key of its own/);
      }
    });

    it('the right kid with the payload changed', async () => {
      const [head, , signature] = token.split('.');
      await refused(api, `${head}.${encode({ ...(decode(token).payload as object), role: 'admin' })}.${signature}`);
    });
  });
});

describe('the issuer with a key pair', () => {
  it('is the origin the client addressed; loopback origins on any port are accepted, other issuers are not', async () => {
    const api = await serve({ alg: 'ES256' });
    const viaLocalhost = (await request(api.app).post('/auth/login').set('Host', 'localhost:3000').send({ email: 'alice@example.com', password: 'alice123' }))
      .body.accessToken as string;
    expect(decode(viaLocalhost).payload).toMatchObject({ iss: 'http://localhost:3000' });
    const discovery = await request(api.app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000').expect(200);
    expect(discovery.body.issuer).toBe('http://localhost:3000');
    await request(api.app).get('/auth/me').set('Host', '127.0.0.1:4000').set('Authorization', `Bearer ${viaLocalhost}`).expect(200);
    // Signed with our own private key, so only the issuer check refuses them.
    const [ours] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
    const { header, payload } = decode(viaLocalhost);
    for (const iss of ['https://idp.example', 'http://evil.example:3000', 'http://localhost:3000/', 'http://localhost:3000/realms/x', 'fake-jwt-api']) {
      const forged = jwt.sign({ ...(payload as object), iss }, createPrivateKey(ours.privateKey), { algorithm: 'ES256', header: header as jwt.JwtHeader });
      expect(await refused(api, forged)).toMatch(/another issuer/);
    }
  });

  it('--issuer fixes it, in tokens and discovery alike', async () => {
    const api = await serve({ alg: 'RS256', issuer: 'https://idp.example' });
    const token = await login(api.app, 'alice@example.com', 'alice123');
    expect(decode(token).payload).toMatchObject({ iss: 'https://idp.example' });
    expect((await request(api.app).get('/.well-known/oauth-authorization-server').expect(200)).body.issuer).toBe('https://idp.example');
  });
});

it('--alg with --secret is a usage error unless HS256', async () => {
  await expect(serve({ alg: 'RS256', secret: 's'.repeat(32) })).rejects.toMatchObject({ code: 'ERR_OPTION' });
  const api = await serve({ alg: 'HS256', secret: 's'.repeat(32) });
  expect(decode(await login(api.app, 'alice@example.com', 'alice123')).header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
  expect(await jwks(api)).toEqual([]);
});

describe('the public documents', () => {
  it('answer any origin without credentials, with Cache-Control, before rewrites, rules and a bad token', async () => {
    project.write('routes.json', { '/.well-known/*': '/posts', '/.well-known': { '*': 'nobody' } });
    const api = await serve({ alg: 'RS256', routes: project.file('routes.json') });
    for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const response = await request(api.app).get(path).set('Origin', 'https://anywhere.example').set('Authorization', 'Bearer not-a-token').expect(200);
      expect(response.headers['access-control-allow-origin']).toBe('*');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers['cache-control']).toBe('public, max-age=300');
    }
    const discovery = (await request(api.app).get('/.well-known/openid-configuration').set('Host', 'localhost:3000')).body;
    expect(discovery).toMatchObject({
      issuer: 'http://localhost:3000',
      jwks_uri: 'http://localhost:3000/.well-known/jwks.json',
      revocation_endpoint: 'http://localhost:3000/auth/revoke',
      introspection_endpoint: 'http://localhost:3000/auth/introspect',
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('win over a db resource named .well-known for their own paths only', async () => {
    project.write('db.json', {
      '.well-known': [
        { id: 'jwks.json', secret: 'record' },
        { id: 1, name: 'kept' },
      ],
    });
    const api = await serve({ alg: 'ES256', defaultAccess: 'public' });
    expect((await request(api.app).get('/.well-known/jwks.json').expect(200)).body.keys).toHaveLength(1);
    expect((await request(api.app).get('/.well-known/1').expect(200)).body).toEqual({ id: 1, name: 'kept' });
  });
});
