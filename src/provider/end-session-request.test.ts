import jwt from 'jsonwebtoken';
import type { Account } from '../accounts/accounts-file';
import { fixedIssuer } from '../auth/issuer-policy';
import { newKeyPair, type AsymmetricAlgorithm } from '../auth/key-pairs';
import type { SigningKeys } from '../auth/signing-keys';
import { queryParameters } from './authorization-request';
import { checkEndSessionRequest, readIdTokenHint, type IdTokenHint } from './end-session-request';
import { makeIdTokenSigner } from './id-token';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ISSUER = 'http://localhost:3000';
const account: Account = { id: 7, email: 'alice@example.com', password: '$scrypt$hash', role: 'user' };

/** Keys that sign with one pair and verify with it only, as keyPairRing does for a one-key keys.json. */
function keysFor(alg: AsymmetricAlgorithm): SigningKeys {
  const pair = newKeyPair(alg, NOW);
  return {
    signer: () => ({ key: pair.privateKey, alg, kid: pair.kid }),
    verifierFor: (kid) => (kid === pair.kid ? { key: pair.publicKey, alg } : undefined),
    publicJwks: () => [],
    algorithms: () => [alg],
  };
}

function idTokenFrom(keys: SigningKeys, issuer = ISSUER): string {
  const signer = makeIdTokenSigner({ keys, ttlSeconds: 900, now: () => NOW });
  return signer.sign({ issuer, account, clientId: 'spa', scopes: ['openid'], sessionId: 'session-1', authTime: NOW / 1000 }, 'access-token');
}

const context = (keys: SigningKeys, now = NOW) => ({ keys, issuer: fixedIssuer(ISSUER), now: () => now });
const EXPECTED: IdTokenHint = { sessionId: 'session-1', accountId: '7', clientIds: ['spa'] };

describe('readIdTokenHint', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('reads an ID token of ours signed %s, expired or not', (alg) => {
    const keys = keysFor(alg);
    const token = idTokenFrom(keys);
    expect(readIdTokenHint(token, context(keys))).toEqual(EXPECTED);
    expect(readIdTokenHint(token, context(keys, NOW + 30 * 24 * 3600 * 1000))).toEqual(EXPECTED);
  });

  it('is no hint for a token of another issuer, of another key, with another alg, or not an ID token', () => {
    const keys = keysFor('RS256');
    const { header, payload } = jwt.decode(idTokenFrom(keys), { complete: true }) as jwt.Jwt;
    const { key } = keys.signer();
    const resigned = (claims: object, changes: object = {}) =>
      jwt.sign(claims, key, { algorithm: 'RS256', header: { ...header, ...changes } as jwt.JwtHeader });
    const { sid: _sid, ...withoutSid } = payload as jwt.JwtPayload;
    const refused = {
      'another issuer': idTokenFrom(keys, 'https://idp.example'),
      'another key with our kid': jwt.sign(payload as object, keysFor('RS256').signer().key, { algorithm: 'RS256', header }),
      'an unknown kid': resigned(payload as object, { kid: 'not-ours' }),
      'an access token (at+jwt)': resigned(payload as object, { typ: 'at+jwt' }),
      'no sid': resigned(withoutSid),
      'alg none': `${Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url')}.${idTokenFrom(keys).split('.')[1]}.`,
      'not a JWT': 'hello',
    };
    for (const [name, token] of Object.entries(refused)) expect({ name, hint: readIdTokenHint(token, context(keys)) }).toEqual({ name, hint: undefined });
    expect(readIdTokenHint(['a', 'b'], context(keys))).toBeUndefined();
    expect(readIdTokenHint(resigned(payload as object), context(keys))).toEqual(EXPECTED); // the control: re-signing alone keeps it valid
  });
});

describe('checkEndSessionRequest', () => {
  const check = (query: string, hint?: IdTokenHint, allowed?: string[]) =>
    checkEndSessionRequest(queryParameters(`/auth/end-session?${query}`), hint, { redirectUris: allowed });

  it('reads the redirect, the state and the client', () => {
    const checked = check('post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A4200%2Fbye&state=s&client_id=spa&logout_hint=x&ui_locales=fr', EXPECTED);
    expect(checked).toEqual({
      ok: true,
      request: { redirectUrl: new URL('http://127.0.0.1:4200/bye'), postLogoutRedirectUri: 'http://127.0.0.1:4200/bye', state: 's', clientId: 'spa' },
    });
    expect(check('')).toEqual({ ok: true, request: {} });
  });

  it('refuses a foreign or malformed redirect, naming post_logout_redirect_uri', () => {
    for (const uri of ['https://evil.example/', 'http://localhost:5173/#x', '/relative']) {
      const checked = check(`post_logout_redirect_uri=${encodeURIComponent(uri)}`);
      expect(checked).toEqual({ ok: false, problem: expect.stringMatching(/post_logout_redirect_uri/) });
    }
    expect(check('post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye', undefined, ['https://app.example/bye']).ok).toBe(true);
  });

  it('refuses a repeated parameter, a malformed client_id, and a client_id the hint was not issued to', () => {
    expect(check('state=a&state=b')).toEqual({ ok: false, problem: 'The state parameter must be given once.' });
    expect(check('client_id=%01').ok).toBe(false);
    expect(check('client_id=other', EXPECTED)).toEqual({ ok: false, problem: expect.stringMatching(/not the client the id_token_hint was issued to/) });
    expect(check('client_id=other').ok).toBe(true); // without a hint there is nothing to compare it with
  });
});
