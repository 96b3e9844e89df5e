/**
 * --trust against providers oauth2-mock-server cannot play: one with RFC 8414 metadata only, and hostile ones whose
 * metadata or JWKS are wrong, huge, slow, or hold keys that must not be used. A small node:http server plays each;
 * its tokens are signed with jsonwebtoken, as any provider's would be.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { requestAs, useCleanup, useServer } from '../support';

interface Provider {
  issuer: string;
  hits: string[];
  close(): Promise<void>;
}

type Answer = (path: string, issuer: string) => { status?: number; body?: unknown; raw?: string; delayMs?: number; location?: string } | undefined;

/** A provider on 127.0.0.1 answering each path as `answer` says (404 for none). */
async function provider(answer: Answer, issuerPath = ''): Promise<Provider> {
  const hits: string[] = [];
  let issuer = '';
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const reply = answer(req.url ?? '', issuer);
    const send = () => {
      if (!reply) return res.writeHead(404).end();
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...(reply.location ? { location: reply.location } : {}) });
      res.end(reply.raw ?? JSON.stringify(reply.body));
    };
    if (reply?.delayMs) setTimeout(send, reply.delayMs).unref();
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${issuerPath}`;
  return {
    issuer,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = (key: KeyObject, kid: string, extra: Record<string, unknown> = {}) => ({ ...key.export({ format: 'jwk' }), kid, use: 'sig', ...extra });
const sign = (issuer: string, kid: string, claims: Record<string, unknown> = {}) =>
  jwt.sign({ sub: 'ext-1', role: 'editor', ...claims }, rsa.privateKey, {
    algorithm: 'RS256',
    keyid: kid,
    issuer,
    expiresIn: 300,
    header: { alg: 'RS256', typ: 'JWT' },
  });

const track = useCleanup();
const { serve } = useServer();
const trusting = async (issuer: string) => (await serve({ trust: [issuer] })).app;

describe('where the keys of a provider come from', () => {
  it('RFC 8414 metadata, when the OpenID discovery document is a 404, with the well-known part before the path', async () => {
    const idp = track(
      await provider((path, issuer) => {
        if (path === '/.well-known/oauth-authorization-server/tenant') return { body: { issuer, jwks_uri: `${issuer.replace('/tenant', '')}/keys` } };
        if (path === '/keys') return { body: { keys: [publicJwk(rsa.publicKey, 'k1', { alg: 'RS256' })] } };
        return undefined;
      }, '/tenant'),
    );
    const app = await trusting(idp.issuer);
    await requestAs(app, sign(idp.issuer, 'k1'), 'GET', '/auth/me').expect(200);
    expect(idp.hits).toEqual(['/tenant/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/tenant', '/keys']);
  });

  it.each([
    ['names another issuer', (issuer: string) => ({ issuer: `${issuer}/`, jwks_uri: `${issuer}/keys` }), 'names the issuer'],
    ['has no jwks_uri', (issuer: string) => ({ issuer }), 'no http'],
    ['has a jwks_uri that is not http(s)', (issuer: string) => ({ issuer, jwks_uri: 'file:///etc/passwd' }), 'no http'],
  ])('a discovery document that %s is a warning, and its tokens get 401', async (_, document, words) => {
    const idp = track(
      await provider((path, issuer) => {
        if (path === '/.well-known/openid-configuration') return { body: document(issuer) };
        if (path === '/keys') return { body: { keys: [publicJwk(rsa.publicKey, 'k1')] } };
        return undefined;
      }),
    );
    const api = await serve({ trust: [idp.issuer] });
    expect(api.warnings.join('\n')).toContain(words);
    const response = await requestAs(api.app, sign(idp.issuer, 'k1'), 'GET', '/auth/me');
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_token' });
    expect(response.headers['www-authenticate']).toMatch(/could not be fetched/);
    expect(idp.hits).not.toContain('/keys');
  });
});

describe('redirects are not followed', () => {
  it.each(['/.well-known/openid-configuration', '/keys'])('a redirect from %s is a warning, and where it points gets no request', async (redirecting) => {
    const elsewhere = track(await provider(() => ({ body: { keys: [publicJwk(rsa.publicKey, 'k1')] } })));
    const idp = track(
      await provider((path, issuer) => {
        if (path === redirecting) return { status: 302, raw: '', location: `${elsewhere.issuer}${path}` };
        if (path === '/.well-known/openid-configuration') return { body: { issuer, jwks_uri: `${issuer}/keys` } };
        return undefined;
      }),
    );
    const api = await serve({ trust: [idp.issuer] });
    expect(api.warnings.join('\n')).toMatch(/redirects to/);
    expect((await requestAs(api.app, sign(idp.issuer, 'k1'), 'GET', '/auth/me')).status).toBe(401);
    expect(elsewhere.hits).toEqual([]);
  });
});

describe('a JWKS that must not be used as it is', () => {
  async function withJwks(jwks: { raw?: string; body?: unknown; delayMs?: number }) {
    const idp = track(
      await provider((path, issuer) => {
        if (path === '/.well-known/openid-configuration') return { body: { issuer, jwks_uri: `${issuer}/keys` } };
        if (path === '/keys') return jwks;
        return undefined;
      }),
    );
    return { idp, api: await serve({ trust: [idp.issuer] }) };
  }

  it('a symmetric key in it verifies nothing: an HS256 token keyed with that published secret is refused', async () => {
    const secret = Buffer.from('a published secret that anyone can read, 32+ bytes');
    const { idp, api } = await withJwks({
      body: { keys: [{ kty: 'oct', k: secret.toString('base64url'), kid: 'shared', alg: 'HS256' }, publicJwk(rsa.publicKey, 'k1')] },
    });
    const forged = jwt.sign({ sub: 'ext-1', role: 'admin' }, secret, { algorithm: 'HS256', keyid: 'shared', issuer: idp.issuer, expiresIn: 300 });
    expect((await requestAs(api.app, forged, 'GET', '/auth/me')).status).toBe(401);
    await requestAs(api.app, sign(idp.issuer, 'k1'), 'GET', '/auth/me').expect(200);
  });

  it('a JWKS over 512 KiB is not read: a warning, and 401', async () => {
    const { idp, api } = await withJwks({ raw: JSON.stringify({ keys: [publicJwk(rsa.publicKey, 'k1')], padding: 'x'.repeat(600 * 1024) }) });
    expect(api.warnings.join('\n')).toMatch(/more than 512 KiB/);
    expect((await requestAs(api.app, sign(idp.issuer, 'k1'), 'GET', '/auth/me')).status).toBe(401);
  });

  it('a JWKS that is not JSON, or holds no usable key, is a warning naming the issuer', async () => {
    for (const jwks of [{ raw: '<html>' }, { body: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'tiny' }] } }, { body: [] }]) {
      const { idp, api } = await withJwks(jwks);
      expect(api.warnings.join('\n')).toContain(idp.issuer);
      expect((await requestAs(api.app, sign(idp.issuer, 'tiny'), 'GET', '/auth/me')).status).toBe(401);
    }
  });

  it('a provider that does not answer within 5 s is a warning, not a start that hangs', async () => {
    const { idp, api } = await withJwks({ body: { keys: [] }, delayMs: 8000 });
    expect(api.warnings.join('\n')).toMatch(/no answer within 5 s/);
    expect(idp.hits).toEqual(['/.well-known/openid-configuration', '/keys']);
  }, 15000);
});
