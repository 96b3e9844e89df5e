import { generateKeyPairSync } from 'node:crypto';
import { signingKeysOf } from './jwk-keys';

const jwkOf = (type: 'rsa' | 'ec' | 'ed25519', curve?: string) => {
  const { publicKey, privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: curve! })
        : generateKeyPairSync('ed25519');
  return { public: publicKey.export({ format: 'jwk' }), private: privateKey.export({ format: 'jwk' }) };
};
const rsa = jwkOf('rsa');
const p256 = jwkOf('ec', 'P-256');
const p384 = jwkOf('ec', 'P-384');
const ed = jwkOf('ed25519');

describe('signingKeysOf', () => {
  it('keeps each signing key with the alg it declares, or the one its type implies', () => {
    const keys = signingKeysOf({
      keys: [
        { ...rsa.public, kid: 'r', alg: 'PS256', use: 'sig' },
        { ...rsa.public, kid: 'r-no-alg' },
        { ...p256.public, kid: 'e' },
        { ...p384.public, kid: 'e384' },
        { ...ed.public, kid: 'd' },
      ],
    });
    expect(keys.map(({ kid, alg }) => [kid, alg])).toEqual([
      ['r', 'PS256'],
      ['r-no-alg', 'RS256'],
      ['e', 'ES256'],
      ['e384', 'ES384'],
      ['d', 'EdDSA'],
    ]);
    expect(keys.every(({ key }) => key.type === 'public')).toBe(true);
  });

  it('leaves out symmetric keys, encryption keys, unknown algorithms, weak or broken keys and keys whose alg does not fit their type', () => {
    const keys = signingKeysOf({
      keys: [
        { kty: 'oct', k: 'c2VjcmV0', kid: 'secret', alg: 'HS256' },
        { ...rsa.public, kid: 'enc', use: 'enc' },
        { ...rsa.public, kid: 'oaep', alg: 'RSA-OAEP' },
        { ...rsa.public, kid: 'lie', alg: 'ES256' },
        { ...p256.public, kid: 'wrong-curve', alg: 'ES384' },
        { ...rsa.public, kid: 'proto', alg: 'toString' },
        { kty: 'RSA', kid: 'tiny', n: 'AQAB', e: 'AQAB' },
        { kty: 'EC', kid: 'broken', crv: 'P-256', x: 'AAAA', y: 'AAAA' },
        null,
        'text',
      ],
    });
    expect(keys).toEqual([]);
  });

  it('reads only the public members of a key that lists private ones too', () => {
    const [key] = signingKeysOf({ keys: [{ ...rsa.private, kid: 'p' }] });
    expect(key.key.type).toBe('public');
  });

  it('gives nothing for a document that is not a JWKS', () => {
    for (const document of [null, {}, { keys: 'x' }, [], 'keys']) expect(signingKeysOf(document)).toEqual([]);
  });
});
