/**
 * --trust against forgers: every token here claims a trusted issuer's `iss` (or another's) and must be refused with
 * a 401 invalid_token, without the server ever fetching from a URL the token names; a flood of unknown kids must not
 * make it hammer the provider; a provider down at start is waited for. The providers are oauth2-mock-server in
 * child processes; the rogue one is the same software with a key of its own, claiming the trusted issuer's `iss`.
 */
import { createHmac, createPrivateKey, createPublicKey, verify, constants, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jwt from 'jsonwebtoken';
import { freePort, login, requestAs, useServer } from '../support';
import { useMockIdps, type MockIdp } from '../support/mock-idp';
import type { ServerOptions } from '../../src/config/options';

const startIdp = useMockIdps();
let idp: MockIdp;
let rogue: MockIdp;
beforeAll(async () => {
  idp = await startIdp();
  rogue = await startIdp({ issuer: idp.issuer });
});

const { project, serve } = useServer();
const trusting = async (options: Partial<ServerOptions> = {}) => (await serve({ trust: [idp.issuer], ...options })).app;

type Target = Awaited<ReturnType<typeof trusting>>;
const decodePart = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const encodePart = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
const headerOf = (token: string) => decodePart(token.split('.')[0]);
const seconds = (ms: number) => Math.floor(ms / 1000);

/** A real token with its header replaced and `sign` making the signature: what a forger without the key can do. */
function resigned(token: string, header: object, sign: (input: string) => string): string {
  const input = `${encodePart({ ...headerOf(token), ...header })}.${token.split('.')[1]}`;
  return `${input}.${sign(input)}`;
}

async function publicJwksOf(provider: MockIdp): Promise<JsonWebKey[]> {
  return ((await (await fetch(provider.jwksUri)).json()) as { keys: JsonWebKey[] }).keys;
}

/** A 401 invalid_token with RFC 6750's challenge; `about`, when given, is a word its error_description must hold. */
async function expectRefused(app: Target, token: string, about?: RegExp) {
  const response = await requestAs(app, token, 'GET', '/auth/me');
  expect({ status: response.status, error: response.body.error }).toEqual({ status: 401, error: 'invalid_token' });
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="fake-jwt-api", error="invalid_token", error_description="[^"]+"$/);
  if (about) expect(response.headers['www-authenticate']).toMatch(about);
}

const accepted = async (app: Target, token: string) => (await requestAs(app, token, 'GET', '/auth/me').expect(200)).body as { id: unknown };

describe('a token claiming the trusted issuer', () => {
  it('signed by a rogue provider with its own key is refused, whatever kid it names', async () => {
    const app = await trusting();
    await accepted(app, await idp.token());
    await expectRefused(app, await rogue.token());
    const trustedKid = headerOf(await idp.token()).kid;
    await expectRefused(app, await rogue.token({}, { kid: trustedKid }), /signature/);
  });

  it('that has expired, is not valid yet, was issued in the future, or lacks exp or sub is refused', async () => {
    const app = await trusting();
    const now = seconds(Date.now());
    await expectRefused(app, await idp.token({ iat: now - 7200, nbf: now - 7200, exp: now - 60 }), /expired/);
    await expectRefused(app, await idp.token({ nbf: now + 600 }));
    await expectRefused(app, await idp.token({ iat: now + 600, nbf: null }));
    await expectRefused(app, await idp.token({ exp: null }));
    await expectRefused(app, await idp.token({ sub: null }));
    await expectRefused(app, await idp.token({ sub: 7 }));
    await expectRefused(app, await idp.token({ exp: String(now + 600) }));
  });

  it('without a kid is accepted only while the issuer has one key', async () => {
    expect(await accepted(await trusting(), await idp.token({ sub: 'no-kid' }, { kid: null }))).toMatchObject({ id: 'no-kid' });
    const twoKeys = await startIdp({ keys: ['RS256', 'RS256'] });
    const app = (await serve({ trust: [twoKeys.issuer] })).app;
    await accepted(app, await twoKeys.token());
    await expectRefused(app, await twoKeys.token({}, { kid: null }), /kid/);
  });

  it('with its alg changed is refused: another RSA alg signed with the real key, none, HS256 keyed with the public key', async () => {
    const app = await trusting();
    const [jwk] = await publicJwksOf(idp);
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });

    const ps256 = await idp.token({}, {}, 'PS256');
    const [head, body, signature] = ps256.split('.');
    // The signature is good under PS256: only the rule "the alg of the key" can refuse it.
    expect(
      verify(
        'sha256',
        Buffer.from(`${head}.${body}`),
        { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        Buffer.from(signature, 'base64url'),
      ),
    ).toBe(true);
    expect(headerOf(ps256).alg).toBe('PS256');
    await expectRefused(app, ps256, /algorithm/);
    await expectRefused(app, await idp.token({}, {}, 'RS512'), /algorithm/);

    const real = await idp.token();
    await expectRefused(
      app,
      resigned(real, { alg: 'none' }, () => ''),
    );
    for (const format of [
      { type: 'spki', format: 'pem' },
      { type: 'pkcs1', format: 'pem' },
    ] as const) {
      const secret = publicKey.export(format);
      await expectRefused(
        app,
        resigned(real, { alg: 'HS256' }, (input) => createHmac('sha256', secret).update(input).digest('base64url')),
      );
    }
    await expectRefused(
      app,
      resigned(real, { alg: 'HS256' }, (input) => createHmac('sha256', JSON.stringify(jwk)).update(input).digest('base64url')),
    );
  });

  it('whose typ is not an access token’s, or with a crit header, is refused; the access token typs pass', async () => {
    const app = await trusting();
    for (const typ of ['logout+jwt', 'dpop+jwt', 'secevent+jwt', 'JWS']) await expectRefused(app, await idp.token({}, { typ }), /typ/);
    await expectRefused(app, await idp.token({}, { crit: ['exp'] }), /crit/);
    for (const typ of ['JWT', 'at+jwt', 'application/at+jwt', null])
      expect(await accepted(app, await idp.token({ sub: `typ-${typ}` }, { typ }))).toMatchObject({ id: `typ-${typ}` });
  });

  it('naming its own key (jku, jwk, x5u, x5c) is refused, and the URL it names gets no request', async () => {
    const app = await trusting();
    const [rogueJwk] = await publicJwksOf(rogue);
    const rogueKid = headerOf(await rogue.token()).kid;
    const before = await rogue.requests();
    const keySources = [{ jku: rogue.jwksUri }, { jwk: rogueJwk }, { x5u: `${rogue.url}/cert.pem` }, { x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }];
    for (const header of keySources) {
      await expectRefused(app, await rogue.token({}, { ...header, kid: rogueKid }));
      // Even with the trusted issuer's own signature: a token does not get to say where keys are.
      await expectRefused(app, await idp.token({}, header), new RegExp(Object.keys(header)[0]));
    }
    expect((await rogue.requests()).slice(before.length).filter((path) => path !== '/token')).toEqual([]);
  });
});

describe('a token of another issuer', () => {
  it('is refused, whether that issuer is a real provider or this server', async () => {
    const app = await trusting();
    const other = await startIdp();
    await expectRefused(app, await other.token());
    // An issuer the server is not told to trust gets no request either.
    expect((await other.requests()).filter((path) => path !== '/token')).toEqual([]);
  });
});

describe('our own tokens beside trusted ones', () => {
  it('still work; neither is checked with the other’s keys', async () => {
    const api = await serve({ trust: [idp.issuer] });
    const ours = await login(api.app, 'alice@example.com', 'alice123');
    expect(await accepted(api.app, ours)).toMatchObject({ id: 2 });
    expect(await accepted(api.app, await idp.token({ sub: 'ext-1' }))).toMatchObject({ id: 'ext-1' });

    // Our key, the trusted issuer's iss.
    const [stored] = JSON.parse(readFileSync(project.file('.fake-jwt-api/keys.json'), 'utf8')).keys;
    const { header, payload } = jwt.decode(ours, { complete: true })!;
    const claims = payload as jwt.JwtPayload;
    const ourKeyTheirIss = jwt.sign({ ...claims, iss: idp.issuer }, createPrivateKey(stored.privateKey), {
      algorithm: header.alg as jwt.Algorithm,
      header: header as jwt.JwtHeader,
    });
    await expectRefused(api.app, ourKeyTheirIss);
    // Their key, our iss (and one of our sessions' claims).
    await expectRefused(api.app, await idp.token({ iss: claims.iss, sub: claims.sub, sid: claims.sid, email: claims.email, role: 'admin' }));
  });

  it('a provider’s sub that is a local account’s id does not make its caller that account', async () => {
    const app = await trusting();
    const response = await requestAs(app, await idp.token({ sub: '2' }), 'GET', '/auth/me');
    // Refused outright, or an external caller whose id is the text "2": never alice.
    if (response.status !== 401) expect(response.body).toMatchObject({ id: '2', issuer: idp.issuer });
    expect(response.body.email).toBeUndefined();
  });
});

describe('keys fetched from the provider', () => {
  // Ahead of real time, so the provider's real iat is never in the future; moved by hand.
  let clock: number;
  beforeEach(() => (clock = Date.now() + 10 * 60_000));
  const onClock = () => ({ now: () => clock });
  const fetchesOf = async (provider: MockIdp, path: string) => (await provider.requests()).filter((requested) => requested === path).length;

  it('are fetched again for an unknown kid at most once in 30 s, however many unknown kids come', async () => {
    const provider = await startIdp();
    const app = (await serve({ trust: [provider.issuer], ...onClock() })).app;
    expect(await fetchesOf(provider, '/jwks')).toBe(1);
    for (let forged = 0; forged < 5; forged++) await expectRefused(app, await provider.token({}, { kid: `forged-${forged}` }), /kid/);
    const withinWindow = await fetchesOf(provider, '/jwks');
    expect(withinWindow).toBeLessThanOrEqual(2);
    clock += 30_001;
    for (let forged = 5; forged < 10; forged++) await expectRefused(app, await provider.token({}, { kid: `forged-${forged}` }), /kid/);
    expect(await fetchesOf(provider, '/jwks')).toBe(withinWindow + 1);
    await accepted(app, await provider.token());
  });

  it('are fetched again when the provider rotates: a token of its new key works within 30 s', async () => {
    const provider = await startIdp();
    const app = (await serve({ trust: [provider.issuer], ...onClock() })).app;
    const newKid = await provider.addKey('ES256');
    // oauth2-mock-server takes its keys in turn: ask until the new one signs.
    let token = await provider.token();
    while (headerOf(token).kid !== newKid) token = await provider.token();
    clock += 30_001;
    expect(await accepted(app, token)).toMatchObject({ id: 'test-client' });
    expect(await fetchesOf(provider, '/jwks')).toBe(2);
  });

  it('of a provider down at start: a warning, 401 naming its keys, then within 2 s of it coming up its tokens work', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const api = await serve({ trust: [issuer], ...onClock() });
    expect(api.warnings.join('\n')).toContain(issuer);

    const late = await startIdp({ port });
    expect(late.issuer).toBe(issuer);
    const token = await late.token({ sub: 'ext-late' });
    await expectRefused(api.app, token, /keys/);
    // Less than 2 s after the last try: no new one yet.
    expect((await late.requests()).filter((path) => path !== '/token')).toEqual([]);
    clock += 2_000;
    expect(await accepted(api.app, token)).toMatchObject({ id: 'ext-late' });
    // Our own tokens were never held up.
    await accepted(api.app, await login(api.app, 'bob@example.com', 'bob12345'));
  });
});
