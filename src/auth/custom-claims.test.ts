import os from 'node:os';
import path from 'node:path';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { checkCustomClaimNames, customClaims } from './custom-claims';
import { fixedIssuer } from './issuer-policy';
import { newKeyPair } from './key-pairs';
import { keyPairRing } from './signing-keys';
import { makeTokenService } from './tokens';

const RESERVED = [
  ...['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'],
  ...['email', 'email_verified', 'role', 'roles', 'sid', 'client_id', 'scope', 'preferred_username', 'trusted', 'service', 'typ', 'cnf', 'act', 'may_act'],
  ...['auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash'],
  ...['password', 'passwordHash', 'password_hash', 'hash', 'salt', 'id', 'admin', 'isAdmin', 'permissions', '__proto__', 'constructor'],
];

describe('checkCustomClaimNames (--claims at the start)', () => {
  it('takes distinct, well-formed names that are no claim of the server', () => {
    expect(checkCustomClaimNames('--claims', ['name', 'department', 'urn:shop:tier', 'x.y', 'a-b_c'])).toEqual([
      'name',
      'department',
      'urn:shop:tier',
      'x.y',
      'a-b_c',
    ]);
    expect(checkCustomClaimNames('--claims', undefined)).toEqual([]);
  });

  it.each(RESERVED)('refuses "%s", naming the flag, the name and why', (name) => {
    expect(() => checkCustomClaimNames('--claims', ['name', name])).toThrow(
      expect.objectContaining({
        code: 'ERR_OPTION',
        message: expect.stringMatching(new RegExp(`^--claims: "${name}" (is set by|is a registered|is an ID token|is an account field)`)),
      }),
    );
  });

  it('says of role that the server sets it itself', () => {
    expect(() => checkCustomClaimNames('--claims', ['role'])).toThrow('--claims: "role" is set by the server itself and cannot come from a profile field');
  });

  it.each([[''], ['has space'], ['quote"'], ['x'.repeat(65)], ['é'], ['a/b']])('refuses the malformed name %j', (name) => {
    expect(() => checkCustomClaimNames('--claims', [name])).toThrow(
      expect.objectContaining({ code: 'ERR_OPTION', message: expect.stringContaining('is not a claim name') }),
    );
  });

  it('refuses a name listed twice, and a value that is no list of strings', () => {
    expect(() => checkCustomClaimNames('--claims', ['name', 'name'])).toThrow('--claims: "name" is listed twice');
    expect(() => checkCustomClaimNames('--claims', 'name')).toThrow(expect.objectContaining({ code: 'ERR_OPTION' }));
    expect(() => checkCustomClaimNames('--claims', [1])).toThrow(expect.objectContaining({ code: 'ERR_OPTION' }));
  });
});

describe('customClaims', () => {
  const account = { id: 2, email: 'a@example.com', password: 'x', name: 'Alice', address: { city: 'Paris' }, tags: ['a'], vip: false, age: 0, nothing: null };

  it('copies the fields the account has, as the JSON they are; a missing one is no claim', () => {
    const claims = customClaims(account, ['name', 'address', 'tags', 'vip', 'age', 'nothing', 'nickname', 'toString']);
    expect(claims).toEqual({ name: 'Alice', address: { city: 'Paris' }, tags: ['a'], vip: false, age: 0, nothing: null });
    expect(claims.address).not.toBe(account.address); // a copy: the token says what the account held when it was minted
  });

  it('never copies a reserved name, whatever the list says', () => {
    expect(customClaims(account, ['password', 'id', 'email', 'name'])).toEqual({ name: 'Alice' });
  });
});

describe('an access token with custom claims', () => {
  it('keeps every claim of the server, whatever the claims passed say', () => {
    const now = () => Date.UTC(2030, 0, 1);
    const pair = newKeyPair('RS256', now());
    const keys = keyPairRing(path.join(os.tmpdir(), 'no-such-dir-fake-jwt-api', 'keys.json'), [pair], now);
    const tokens = makeTokenService({ keys, issuer: fixedIssuer('http://localhost:3000'), accessTtlSeconds: 600, now });
    const forged = {
      sub: '1',
      role: 'admin',
      roles: ['admin'],
      email: 'admin@example.com',
      email_verified: true,
      iss: 'evil',
      aud: 'x',
      sid: 's',
      service: {},
    };
    const { token } = tokens.issueAccessToken({ id: 2, email: 'alice@example.com', role: 'user', claims: { ...forged, department: 'Sales' } }, 'session-1');
    const payload = jwt.decode(token) as JwtPayload;
    expect(payload).toMatchObject({ sub: '2', role: 'user', email: 'alice@example.com', iss: 'http://localhost:3000', sid: 'session-1', department: 'Sales' });
    for (const absent of ['roles', 'email_verified', 'aud', 'service']) expect(payload).not.toHaveProperty(absent);
    expect(tokens.verifyAccessToken(token)).toMatchObject({ sub: '2', role: 'user', department: 'Sales' });
  });
});
