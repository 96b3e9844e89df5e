import { isWhoKeyword, parseRoleName } from '../../accounts/roles';

/**
 * "Who" may do something, as routes.json names it: `public`, `authenticated`, `owner`, `nobody`, or any other
 * word, which is a role name.
 */
/** `verified`: a caller whose account's email is verified (README "Email verification"). */
export type Who =
  { kind: 'public' } | { kind: 'authenticated' } | { kind: 'verified' } | { kind: 'owner' } | { kind: 'nobody' } | { kind: 'role'; role: string };

export { WHO_KEYWORDS } from '../../accounts/roles';

/** Parses one "who"; the error message says what is wrong, for the caller to prefix with the file and key. */
export function parseWho(value: unknown): Who {
  if (typeof value !== 'string' || value.trim() === '')
    throw new Error(`expected "public", "authenticated", "verified", "owner", "nobody" or a role name, got ${JSON.stringify(value)}`);
  const word = value.trim();
  if (isWhoKeyword(word)) return { kind: word } as Who;
  return { kind: 'role', role: parseRoleName(word) };
}

export function describeWho(who: Who): string {
  return who.kind === 'role' ? who.role : who.kind;
}

export function describeWhoList(list: readonly Who[]): string {
  return list.map(describeWho).join(', ');
}
