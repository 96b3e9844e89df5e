import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isEmailVerified, toPublicUser, type Account } from '../accounts/accounts-file';
import { isReservedName } from '../accounts/reserved-names';
import { customClaims } from '../auth/custom-claims';
import { signEdDSA } from '../auth/eddsa';
import type { SigningAlgorithm } from '../auth/key-pairs';
import type { SigningKeys } from '../auth/signing-keys';

/** What an ID token says, besides its times and the access token it travels with (OIDC Core §2). */
export interface IdTokenInput {
  /** The access token's `iss`: one issuer for both tokens. */
  issuer: string;
  account: Account;
  clientId: string;
  /** The granted scopes: `email` and `profile` decide which claims of the account go in. */
  scopes: readonly string[];
  sessionId: string;
  /** Seconds since the epoch: when the user last typed a password. */
  authTime: number;
  /** The authorization request's nonce; never on a token from a refresh (OIDC Core §12.2). */
  nonce?: string;
  /** The account fields the client may get as `profile` claims (its `claims` in the clients list); undefined: all. */
  profileFields?: readonly string[];
}

export interface IdTokenSigner {
  sign(input: IdTokenInput, accessToken: string): string;
}

export interface IdTokenSignerOptions {
  keys: SigningKeys;
  ttlSeconds: number;
  /** Milliseconds since the epoch, the server's clock. */
  now: () => number;
  /** --claims: profile fields every ID token carries, whatever the scopes (README "Custom claims"). */
  claims?: readonly string[];
}

/**
 * The `profile` scope's claims: every field of the account but the password and the reserved names in any case
 * (accounts/reserved-names.ts: a field written by hand, or stored before registration dropped them, never says
 * `client_id`, `act` or `Email_Verified`), `name` among them when the account has one; and the server's own
 * `role` and `preferred_username`. accounts-file.ts toPublicUser is the one place that drops the password.
 */
export function profileClaims(account: Account): Record<string, unknown> {
  const claims = Object.fromEntries(Object.entries(toPublicUser(account)).filter(([field]) => !isReservedName(field)));
  const role = account.role === undefined ? {} : { role: account.role }; // the role an admin gave, as the README says
  // OIDC Core §5.1's name for a login name, as a client library reads it; `username` stays for clients that read that.
  return { ...claims, ...role, ...(account.username === undefined ? {} : { preferred_username: account.username }) };
}

/** OIDC Core §3.1.3.6: at_hash is hashed with the hash of the token's alg; Ed25519's is SHA-512. */
const HASH_OF: Record<SigningAlgorithm, string> = { RS256: 'sha256', ES256: 'sha256', HS256: 'sha256', EdDSA: 'sha512' };

/** The left half of the hash of the access token's ASCII, base64url (OIDC Core §3.1.3.6). */
export function accessTokenHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(HASH_OF[alg]).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The `profile` claims, only the listed fields when a list is given. */
export function allowedProfileClaims(account: Account, fields?: readonly string[]): Record<string, unknown> {
  const claims = profileClaims(account);
  return fields === undefined ? claims : Object.fromEntries(Object.entries(claims).filter(([field]) => fields.includes(field)));
}

/** The claims the granted scopes add: email (the server's own accounts are verified by definition), profile. */
function scopedClaims(account: Account, scopes: readonly string[], fields?: readonly string[]): Record<string, unknown> {
  return {
    ...(scopes.includes('profile') ? allowedProfileClaims(account, fields) : {}),
    ...(scopes.includes('email') ? { email: account.email, email_verified: isEmailVerified(account) } : {}),
  };
}

/** ID tokens, signed with the key that signs access tokens (same kid and alg), `typ: JWT`. */
export function makeIdTokenSigner({ keys, ttlSeconds, now, claims: custom = [] }: IdTokenSignerOptions): IdTokenSigner {
  return {
    sign(input, accessToken) {
      const { key, alg, kid } = keys.signer();
      const iat = Math.floor(now() / 1000);
      const claims = {
        // The developer asked for these, so no scope is needed; first, so that no claim below is ever one of them.
        ...customClaims(input.account, custom),
        ...scopedClaims(input.account, input.scopes, input.profileFields),
        iss: input.issuer,
        sub: String(input.account.id),
        aud: input.clientId,
        exp: iat + ttlSeconds,
        iat,
        auth_time: input.authTime,
        ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
        at_hash: accessTokenHash(accessToken, alg),
        sid: input.sessionId,
      };
      const header = { alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) };
      return alg === 'EdDSA' ? signEdDSA(claims, key, header) : jwt.sign(claims, key, { algorithm: alg, header });
    },
  };
}
