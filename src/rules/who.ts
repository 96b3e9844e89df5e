/**
 * "Who" may do something, as routes.json names it: `public`, `authenticated`, `owner`, `nobody`, or any other
 * word, which is a role name.
 */
export type Who = { kind: 'public' } | { kind: 'authenticated' } | { kind: 'owner' } | { kind: 'nobody' } | { kind: 'role'; role: string };

/** The words that are not role names. */
export const WHO_KEYWORDS = ['public', 'authenticated', 'owner', 'nobody'] as const;
const KEYWORDS: ReadonlySet<string> = new Set(WHO_KEYWORDS);
const ROLE_NAME = /^[A-Za-z][\w.-]*$/;

/** Parses one "who"; the error message says what is wrong, for the caller to prefix with the file and key. */
export function parseWho(value: unknown): Who {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`expected "public", "authenticated", "owner", "nobody" or a role name, got ${JSON.stringify(value)}`);
  const word = value.trim();
  if (KEYWORDS.has(word)) return { kind: word } as Who;
  if (!ROLE_NAME.test(word)) throw new Error(`"${word}" is not a role name (letters, digits, _ . -, starting with a letter)`);
  return { kind: 'role', role: word };
}

export function describeWho(who: Who): string {
  return who.kind === 'role' ? who.role : who.kind;
}

export function describeWhoList(list: readonly Who[]): string {
  return list.map(describeWho).join(', ');
}
