import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 characters of the unreserved set, for a verifier and (S256 of one) a challenge. */
const PKCE_TEXT = /^[A-Za-z0-9\-._~]{43,128}$/;

export const isPkceText = (value: unknown): value is string => typeof value === 'string' && PKCE_TEXT.test(value);

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) equals the challenge (compared in constant time). */
export function verifierMatches(verifier: unknown, challenge: string): boolean {
  if (!isPkceText(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
