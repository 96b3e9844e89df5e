import { createHash, verify } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Account } from '../accounts/accounts-file';
import { newKeyPair, type AsymmetricAlgorithm } from '../auth/key-pairs';
import type { SigningKeys } from '../auth/signing-keys';
import { accessTokenHash, makeIdTokenSigner, profileClaims, type IdTokenInput } from './id-token';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const account: Account = { id: 7, email: 'alice@example.com', password: '$scrypt$hash', role: 'admin', name: 'Alice', city: 'Paris', sub: 'forged', iss: 'x' };

function keysFor(alg: AsymmetricAlgorithm) {
  const pair = newKeyPair(alg, NOW);
  const keys = { signer: () => ({ key: pair.privateKey, alg, kid: pair.kid }) } as unknown as SigningKeys;
  return { pair, signer: makeIdTokenSigner({ keys, ttlSeconds: 900, now: () => NOW }) };
}

const input = (overrides: Partial<IdTokenInput> = {}): IdTokenInput => ({
  issuer: 'http://localhost:3000',
  account,
  clientId: 'spa',
  scopes: ['openid', 'email', 'profile'],
  sessionId: 'session-1',
  authTime: NOW / 1000 - 30,
  nonce: 'n-0S6_WzA2Mj',
  ...overrides,
});

const parts = (token: string) => token.split('.').map((part, index) => (index < 2 ? JSON.parse(Buffer.from(part, 'base64url').toString()) : part));

describe('ID tokens', () => {
  it.each(['RS256', 'ES256'] as const)('are signed %s with the signing key, typ JWT, with every claim of OIDC Core §2', (alg) => {
    const { pair, signer } = keysFor(alg);
    const token = signer.sign(input(), 'the-access-token');
    const { header, payload } = jwt.verify(token, pair.publicKey, { algorithms: [alg], complete: true, clockTimestamp: NOW / 1000 }) as jwt.Jwt;
    expect(header).toEqual({ alg, typ: 'JWT', kid: pair.kid });
    expect(payload).toEqual({
      iss: 'http://localhost:3000',
      sub: '7',
      aud: 'spa',
      iat: NOW / 1000,
      exp: NOW / 1000 + 900,
      auth_time: NOW / 1000 - 30,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: createHash('sha256').update('the-access-token').digest().subarray(0, 16).toString('base64url'),
      sid: 'session-1',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice',
      role: 'admin',
      city: 'Paris',
    });
  });

  it('are signed EdDSA with an at_hash of SHA-512 (the hash of Ed25519)', () => {
    const { pair, signer } = keysFor('EdDSA');
    const token = signer.sign(input(), 'the-access-token');
    const [header, payload, signature] = parts(token);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: pair.kid });
    const signingInput = token.slice(0, token.lastIndexOf('.'));
    expect(verify(null, Buffer.from(signingInput), pair.publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    expect(payload.at_hash).toBe(createHash('sha512').update('the-access-token').digest().subarray(0, 32).toString('base64url'));
    expect(payload.at_hash).toBe(accessTokenHash('the-access-token', 'EdDSA'));
  });

  it('carry only what the scopes grant, and no nonce when there was none', () => {
    const { signer } = keysFor('ES256');
    const [, payload] = parts(signer.sign(input({ scopes: ['openid'], nonce: undefined }), 'a'));
    expect(Object.keys(payload).sort()).toEqual(['at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'sid', 'sub']);
    const [, withEmail] = parts(signer.sign(input({ scopes: ['openid', 'email'] }), 'a'));
    expect(withEmail).toMatchObject({ email: 'alice@example.com', email_verified: true });
    expect(withEmail.name).toBeUndefined();
  });

  it('never let a profile field stand in for a registered claim, nor show the password', () => {
    expect(profileClaims(account)).toEqual({ role: 'admin', name: 'Alice', city: 'Paris' });
    const { signer } = keysFor('ES256');
    const [, payload] = parts(signer.sign(input(), 'a'));
    expect(payload.sub).toBe('7');
    expect(payload.iss).toBe('http://localhost:3000');
    expect(JSON.stringify(payload)).not.toContain('scrypt');
  });
});
