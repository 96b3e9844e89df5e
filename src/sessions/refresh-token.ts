import { createHash, randomBytes } from 'node:crypto';

// 256 bits of randomness, as base64url: opaque to clients, never a JWT, so never mistaken for an access token.
const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/** Refresh tokens are stored only as this hash: a copy of the state file lets no one refresh. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function looksLikeRefreshToken(token: string): boolean {
  return REFRESH_TOKEN.test(token);
}
