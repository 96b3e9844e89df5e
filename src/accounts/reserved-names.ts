/**
 * The one list of names no profile field may carry (README "Custom claims", "Accounts"): a client's registration or
 * PATCH drops them (fields.ts profileFields), --claims refuses them (auth/custom-claims.ts), and the ID token's and
 * userinfo's profile claims leave them out (provider/id-token.ts). Compared in any case: .NET reads a claim's type
 * case-insensitively, so a profile field `Role` or `SUB` would be `role` or `sub` to an ASP.NET app.
 */

/** Fields a client may not set on its own account: authority, password material, JWT claims, prototype keys. */
// prettier-ignore
export const PRIVILEGED_FIELDS: readonly string[] = [
  'id', 'role', 'roles', 'admin', 'isAdmin', 'is_admin', 'permissions', 'scope', 'scopes', 'groups',
  'password', 'passwordHash', 'password_hash', 'hash', 'salt', 'currentPassword', 'newPassword',
  'sub', 'sid', 'iss', 'aud', 'exp', 'iat', 'jti', 'emailVerified', 'email_verified', 'preferred_username',
  '__proto__', 'constructor', 'prototype',
];

/** Each kind of reserved name, with why it is one; a name of two kinds is told the reason of the first. */
const RESERVED: ReadonlyArray<readonly [names: readonly string[], why: string]> = [
  [
    ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'],
    'is a registered JWT claim (RFC 7519 §4.1), set by the server itself, and cannot come from a profile field',
  ],
  [
    ['email', 'email_verified', 'role', 'roles', 'sid', 'client_id', 'scope', 'preferred_username', 'trusted', 'service', 'typ', 'cnf', 'act', 'may_act'],
    'is set by the server itself and cannot come from a profile field',
  ],
  [
    ['auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash', 's_hash', 'sid', 'events', 'updated_at'],
    'is an ID token claim (OpenID Connect Core §2), set by the server itself, and cannot come from a profile field',
  ],
  [
    // A provider asserts these (OpenID Connect Core §5.1): a relying party that signs people in by a verified phone
    // number would take a user's own `phone_number_verified: true` for the provider's word.
    ['phone_number_verified', 'x5t', 'x5t#S256', 'kid', 'jku', 'jwk', 'x5u', 'x5c', 'crit', 'alg', 'enc', 'zip'],
    'is a claim or header a provider or the token format sets, and cannot come from a profile field',
  ],
  [PRIVILEGED_FIELDS, 'is an account field no client may set (identity, authority or password material), so it is never put in a token'],
];

/**
 * A name as the list compares it: upper-cased, then lower-cased, so that the letters another reader folds onto
 * ASCII (`ſub`'s long s, `ıss`'s dotless i) are caught too, as well as `SUB` and `Email_Verified`.
 */
const folded = (name: string) => name.normalize('NFKC').toUpperCase().toLowerCase(); // NFKC: a full-width `ｓｕｂ` too

const BY_FOLDED = new Map<string, { name: string; why: string }>();
for (const [names, why] of RESERVED) for (const name of names) if (!BY_FOLDED.has(folded(name))) BY_FOLDED.set(folded(name), { name, why });

/** The reserved name `name` is, in any case, and why it is reserved; undefined when a profile field may have it. */
export function reservedName(name: string): { name: string; why: string } | undefined {
  return BY_FOLDED.get(folded(name));
}

export const isReservedName = (name: string): boolean => BY_FOLDED.has(folded(name));
