import { sign, verify, type KeyObject } from 'node:crypto';

/**
 * EdDSA (Ed25519, RFC 8037) in JWS compact form. jsonwebtoken 9 signs and verifies RS256 and ES256 but knows no
 * EdDSA, so node:crypto makes and checks the signature here, and jsonwebtoken still checks the claims (tokens.ts).
 */
const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

export function signEdDSA(claims: object, privateKey: KeyObject, header: Record<string, unknown>): string {
  const signingInput = `${encode({ ...header, alg: 'EdDSA' })}.${encode(claims)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/** Whether the Ed25519 signature of a compact token is the public key's (RFC 7515 §5.2). */
export function hasEdDSASignature(token: string, publicKey: KeyObject): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[2] === '') return false;
  return verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
}

/**
 * The token's claims under an `alg: none` header, for jsonwebtoken to check `exp`, `nbf`, `iss` and `aud` as it does
 * for every other token. Made only from a token whose signature hasEdDSASignature accepted, never from input as is.
 */
export function claimsOnly(token: string): string {
  return `${encode({ alg: 'none' })}.${token.split('.')[1]}.`;
}
