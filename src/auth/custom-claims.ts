import { ConfigError } from '../errors';
import { PRIVILEGED_FIELDS } from '../accounts/fields';

/**
 * README "Custom claims": profile fields of an account copied into its access and ID tokens (--claims). A custom
 * claim never stands in for one the server sets or reads, nor carries a password: such a name stops the start, and
 * is dropped here too, whatever asked for it.
 */

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
    ['auth_time', 'nonce', 'acr', 'amr', 'azp', 'at_hash', 'c_hash'],
    'is an ID token claim (OpenID Connect Core §2), set by the server itself, and cannot come from a profile field',
  ],
  [[...PRIVILEGED_FIELDS], 'is an account field no client may set (identity, authority or password material), so it is never put in a token'],
];

/** Each reserved name with the reason of the first kind it belongs to (`sub` is a JWT claim before it is a privileged field). */
const WHY_RESERVED = new Map<string, string>();
for (const [names, why] of RESERVED) for (const name of names) if (!WHY_RESERVED.has(name)) WHY_RESERVED.set(name, why);

// A JSON object key any JWT library reads back as is; no spaces, quotes or control characters in a claim name.
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Why a claim name is not one a profile field may fill; undefined when it may. */
export function reservedClaimReason(name: string): string | undefined {
  return WHY_RESERVED.get(name);
}

/** --claims, checked once at the start: a list of distinct, well-formed names, none of them reserved. */
export function checkCustomClaimNames(flag: string, names: unknown): readonly string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string'))
    throw new ConfigError('ERR_OPTION', `${flag}: expected a list of profile field names, like name,department`);
  const seen = new Set<string>();
  for (const name of names) {
    if (!CLAIM_NAME.test(name)) throw new ConfigError('ERR_OPTION', `${flag}: "${name}" is not a claim name; use 1 to 64 letters, digits, _, -, . or :`);
    const why = reservedClaimReason(name);
    if (why !== undefined) throw new ConfigError('ERR_OPTION', `${flag}: "${name}" ${why}`);
    if (seen.has(name)) throw new ConfigError('ERR_OPTION', `${flag}: "${name}" is listed twice`);
    seen.add(name);
  }
  return names;
}

/** The claims without any reserved name: the runtime guard of every token that carries custom claims. */
export function withoutReservedClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !WHY_RESERVED.has(name)));
}

/**
 * The account's fields of those names, as the JSON they are, copied: a token says what the account held when it
 * was minted. A field the account lacks is no claim.
 */
export function customClaims(account: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const present = names.filter((name) => !WHY_RESERVED.has(name) && Object.hasOwn(account, name) && account[name] !== undefined);
  return Object.fromEntries(present.map((name) => [name, structuredClone(account[name])]));
}
