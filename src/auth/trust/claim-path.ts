/**
 * A claim named by --role-claim or --trust-email-claim: a plain claim (`role`), a namespaced one whose name has
 * dots of its own (`https://example.com/roles`, as Auth0 wants custom claims), or a path into nested claims
 * (`realm_access.roles`, as Keycloak puts them). At each level the longest name present wins, so a namespaced
 * claim is found whole before its dots are read as a path.
 */
export function readClaim(claims: unknown, path: string): unknown {
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
  const record = claims as Record<string, unknown>;
  if (Object.hasOwn(record, path)) return record[path];
  for (let dot = path.lastIndexOf('.'); dot > 0; dot = path.lastIndexOf('.', dot - 1)) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(record, head)) {
      const found = readClaim(record[head], path.slice(dot + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

// Enough for any real role list; a token with thousands would only cost every rule check.
const MAX_ROLES = 50;
const MAX_ROLE_LENGTH = 200;

/** The roles a claim's value names: a string is one role; an array, each of its strings. */
export function rolesOf(value: unknown): string[] {
  const names: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const roles = names.filter((name): name is string => typeof name === 'string' && name !== '' && name.length <= MAX_ROLE_LENGTH);
  return [...new Set(roles)].slice(0, MAX_ROLES);
}
