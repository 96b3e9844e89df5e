import { createPublicKey, type KeyObject } from 'node:crypto';
import type { VerifyingAlgorithm } from '../signature-check';

/** A public key of a trusted issuer, with the one algorithm it verifies. */
export interface TrustedKey {
  kid?: string;
  alg: Exclude<VerifyingAlgorithm, 'HS256'>;
  key: KeyObject;
}

type KeyType = 'RSA' | 'EC' | 'OKP';

/** The key type each signing algorithm needs, and for EC and OKP the curve (RFC 7518 §3, RFC 8037). */
const KEY_TYPE_OF: Record<TrustedKey['alg'], { kty: KeyType; crv?: string }> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

const PUBLIC_MEMBERS: Record<KeyType, string[]> = { RSA: ['kty', 'n', 'e'], EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'] };

/** A key without `alg` (Entra ID publishes none): RS256 for RSA, as every provider signs; by curve for EC and OKP. */
function inferredAlg(jwk: Record<string, unknown>): TrustedKey['alg'] | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  const byCurve = Object.entries(KEY_TYPE_OF).find(([, type]) => type.kty === jwk.kty && type.crv === jwk.crv);
  return byCurve?.[0] as TrustedKey['alg'] | undefined;
}

/**
 * The signing keys of a JWKS (RFC 7517) as usable public keys. Left out: encryption keys (`use` other than `sig`),
 * symmetric keys (`oct`: a published secret would let anyone sign), algorithms we do not verify, RSA keys under
 * 2048 bits, and keys whose declared `alg` does not fit their type. Only the public members are read, whatever else a key lists.
 */
export function signingKeysOf(jwks: unknown): TrustedKey[] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return [];
  return keys.slice(0, 100).flatMap((entry: unknown): TrustedKey[] => {
    if (entry === null || typeof entry !== 'object') return [];
    const jwk = entry as Record<string, unknown>;
    if (jwk.use !== undefined && jwk.use !== 'sig') return [];
    const alg = jwk.alg === undefined ? inferredAlg(jwk) : (jwk.alg as TrustedKey['alg']);
    const type = alg !== undefined && Object.hasOwn(KEY_TYPE_OF, alg) ? KEY_TYPE_OF[alg] : undefined;
    if (!type || type.kty !== jwk.kty || (type.crv !== undefined && type.crv !== jwk.crv)) return [];
    try {
      const publicJwk = Object.fromEntries(PUBLIC_MEMBERS[type.kty].map((name) => [name, jwk[name]]));
      const key = createPublicKey({ key: publicJwk as never, format: 'jwk' });
      // RFC 7518 §3.3: 2048 bits at least (jsonwebtoken refuses smaller ones too, with a less helpful error).
      if (type.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return [];
      return [{ ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}), alg: alg!, key }];
    } catch {
      return [];
    }
  });
}
