import path from 'node:path';
import os from 'node:os';
import { newKeyPair, type KeyPair } from './key-pairs';
import { fixedIssuer } from './issuer-policy';
import { keyPairRing } from './signing-keys';
import { makeTokenService, type TokenService } from './tokens';
import { makeVerifiedCache } from './verified-cache';

const entry = (value: string, validFrom = 0, validUntil = 1000) => ({ value, validFrom, validUntil });

describe('makeVerifiedCache', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = makeVerifiedCache<string>(3);
    for (const token of ['a', 'b', 'c']) cache.remember(token, entry(token));
    expect(cache.get('a', 10)).toBe('a'); // a is now the most recent: b goes first
    cache.remember('d', entry('d'));
    cache.remember('e', entry('e'));
    expect(cache.size).toBe(3);
    expect([cache.get('a', 10), cache.get('b', 10), cache.get('c', 10), cache.get('d', 10), cache.get('e', 10)]).toEqual(['a', undefined, undefined, 'd', 'e']);
  });

  it('stays bounded under many distinct tokens', () => {
    const cache = makeVerifiedCache<number>(100);
    for (let index = 0; index < 10_000; index++) cache.remember(`token-${index}`, { value: index, validFrom: 0, validUntil: 1000 });
    expect(cache.size).toBe(100);
    expect(cache.get('token-9999', 1)).toBe(9999);
    expect(cache.get('token-0', 1)).toBeUndefined();
  });

  it('answers only between validFrom and validUntil (excluded), and forgets an expired entry', () => {
    const cache = makeVerifiedCache<string>(10);
    cache.remember('t', entry('claims', 100, 200));
    expect(cache.get('t', 99)).toBeUndefined();
    expect(cache.get('t', 100)).toBe('claims');
    expect(cache.get('t', 199)).toBe('claims');
    expect(cache.get('t', 200)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.get('t', 150)).toBeUndefined();
  });

  it('matches the exact token string only', () => {
    const cache = makeVerifiedCache<string>(10);
    cache.remember('header.payload.sig', entry('claims'));
    for (const variant of [
      'header.payload.sih',
      'header.payload.sig ',
      ' header.payload.sig',
      'HEADER.payload.sig',
      'header.payload.si',
      'header.payload.sig=',
    ])
      expect(cache.get(variant, 1)).toBeUndefined();
  });

  it('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) expect(() => makeVerifiedCache(capacity)).toThrow(RangeError);
  });
});

describe('the token service remembers verified tokens', () => {
  const start = Date.UTC(2030, 0, 1);
  let clock = start;
  const now = () => clock;
  const keysFile = path.join(os.tmpdir(), 'no-such-dir-fake-jwt-api', 'keys.json');
  const serviceFor = (pairs: KeyPair[], accessTtlSeconds = 600): TokenService =>
    makeTokenService({ keys: keyPairRing(keysFile, pairs, now), issuer: fixedIssuer('http://localhost:3000'), accessTtlSeconds, now });
  const subject = { id: 1, email: 'alice@example.com', role: 'user' };
  let pair: KeyPair;

  beforeAll(() => {
    pair = newKeyPair('RS256', start);
  });
  beforeEach(() => {
    clock = start;
  });

  const expectRefused = (service: TokenService, token: string, description: string | RegExp) => {
    try {
      service.verifyAccessToken(token);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('invalid_token');
      expect((error as Error).message).toMatch(description);
      return;
    }
    throw new Error('the token was accepted');
  };

  it('refuses every tampered variant of a token it has verified and remembered', () => {
    const service = serviceFor([pair]);
    const { token } = service.issueAccessToken(subject, 'session-1');
    expect(service.verifyAccessToken(token).role).toBe('user');
    expect(service.verifyAccessToken(token).role).toBe('user'); // from the cache
    const [header, payload, signature] = token.split('.');
    const asAdmin = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' })).toString('base64url');
    const hs256 = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header, 'base64url').toString()), alg: 'HS256' })).toString('base64url');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    const variants = [
      `${header}.${asAdmin}.${signature}`,
      `${hs256}.${payload}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${header}.${payload}.`,
      `${header}.${payload}`,
    ];
    for (const variant of variants) expect(() => service.verifyAccessToken(variant)).toThrow();
    expectRefused(service, `${header}.${asAdmin}.${signature}`, /signature/);
  });

  it('refuses a remembered token once it has expired, and before its iat, by the injected clock', () => {
    const service = serviceFor([pair], 60);
    const { token } = service.issueAccessToken(subject, 'session-1');
    expect(service.verifyAccessToken(token).sub).toBe('1');
    clock = start + 60_500; // within the one second of tolerance
    expect(service.verifyAccessToken(token).sub).toBe('1');
    clock = start + 61_000;
    expectRefused(service, token, 'the token has expired');
    clock = start;
    service.verifyAccessToken(token); // remembered again
    clock = start - 2_000;
    expectRefused(service, token, /issued in the future/);
  });

  it('refuses a remembered token once the key that verified it no longer verifies', () => {
    const signing = serviceFor([pair]);
    const { token } = signing.issueAccessToken(subject, 'session-1');
    // The same key, retired now with a recorded lifetime of 0: it verifies for one more second of tolerance.
    const verifying = serviceFor([newKeyPair('RS256', start), { ...pair, retiredAt: start, longestTtlSeconds: 0 }]);
    expect(verifying.verifyAccessToken(token).sub).toBe('1');
    clock = start + 2_000;
    expectRefused(verifying, token, "the token's kid names no key of this server");
  });

  it('hands out claims that cannot be changed in place', () => {
    const service = serviceFor([pair]);
    const { token } = service.issueAccessToken(subject, 'session-1');
    const claims = service.verifyAccessToken(token);
    expect(() => Object.assign(claims, { role: 'admin' })).toThrow(TypeError);
    expect(service.verifyAccessToken(token).role).toBe('user');
  });
});
