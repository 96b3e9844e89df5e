/** The one role with powers of its own: /db, account administration, introspection, reset. */
export const ADMIN_ROLE = 'admin';

/** The words routes.json uses for who may do something without naming a role: never a role name. */
export const WHO_KEYWORDS = ['public', 'authenticated', 'verified', 'owner', 'nobody'] as const;
const KEYWORDS: ReadonlySet<string> = new Set(WHO_KEYWORDS);
const ROLE_NAME = /^[A-Za-z][\w.-]*$/;

/** Whether `word` is one of routes.json's keywords rather than a role. */
export const isWhoKeyword = (word: string): boolean => KEYWORDS.has(word);

/**
 * A role name as given (trimmed), or an Error saying what is wrong, for the caller to prefix with where it was
 * given: the users command, PATCH /auth/users/:id, --default-role and routes.json all accept the same names.
 */
export function parseRoleName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`expected a role name, got ${JSON.stringify(value)}`);
  const word = value.trim();
  if (isWhoKeyword(word)) throw new Error(`"${word}" is a keyword of routes.json, not a role`);
  if (!ROLE_NAME.test(word)) throw new Error(`"${word}" is not a role name (letters, digits, _ . -, starting with a letter)`);
  return word;
}
