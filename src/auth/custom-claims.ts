import { ConfigError } from '../errors';
import { isReservedName, reservedName } from '../accounts/reserved-names';

/**
 * README "Custom claims": profile fields of an account copied into its access and ID tokens (--claims). A custom
 * claim never stands in for one the server sets or reads, nor carries a password, in any case of its letters
 * (accounts/reserved-names.ts): such a name stops the start, and is dropped here too, whatever asked for it.
 */

// A JSON object key any JWT library reads back as is; no spaces, quotes or control characters in a claim name.
const CLAIM_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Why a claim name is not one a profile field may fill; undefined when it may. Another case of a reserved name says which. */
export function reservedClaimReason(name: string): string | undefined {
  const reserved = reservedName(name);
  if (reserved === undefined || reserved.name === name) return reserved?.why;
  return `is "${reserved.name}" to a reader that compares claim names in any case (.NET does), which ${reserved.why}`;
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
  return Object.fromEntries(Object.entries(claims).filter(([name]) => !isReservedName(name)));
}

/**
 * The account's fields of those names, as the JSON they are, copied: a token says what the account held when it
 * was minted. A field the account lacks is no claim.
 */
export function customClaims(account: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  const present = names.filter((name) => !isReservedName(name) && Object.hasOwn(account, name) && account[name] !== undefined);
  return Object.fromEntries(present.map((name) => [name, structuredClone(account[name])]));
}
