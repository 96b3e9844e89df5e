import type { Resource } from '../../json-server/resolve';
import { LOGIN_PATHS, REGISTER_PATHS } from '../../auth/endpoints';
import { ConfigError } from '../../errors';
import { compileRules, type RuleMatcher } from './match';
import type { AccessRule, RoutesConfig } from './parse';
import { makeRewrittenPath } from './rewritten';
import { nearMiss } from './spelling';
import { WHO_KEYWORDS, type Who } from './who';

export interface RulesCheckInput {
  /** For messages: the routes file, or "the routes option". */
  where: string;
  routes: RoutesConfig;
  /** What json-server serves: the collections and singular resources of the db, `users` included. */
  resources: Iterable<Resource>;
  /** The roles the accounts hold at start. */
  roles: Iterable<string>;
  /** The data, to tell whether a collection's records carry their owner field. */
  data: Record<string, unknown>;
  ownerField(collection: string): string;
  /** True when --middlewares may answer paths that are not resources. */
  customRoutes: boolean;
}

/** Errors stop the server at start; warnings are said at start and it runs. */
export interface RulesCheck {
  errors: string[];
  warnings: string[];
}

// The first segments of the auth routes and their json-server-auth aliases: answered before any rule is looked at.
const AUTH_SEGMENTS = new Set(['auth', ...[...LOGIN_PATHS, ...REGISTER_PATHS].map((path) => path.split('/')[1])]);
const LITERAL = /^[^:*()?]+$/;

const segmentsOf = (pattern: string) => pattern.replace(/\/+$/, '').split('/').slice(1);

/** Every "who" of a rule that would be a role name, with the methods it is given for. */
function rolesOf(rule: AccessRule): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  for (const [method, who] of Object.entries(rule.access) as Array<[string, readonly Who[]]>) {
    for (const each of who) if (each.kind === 'role') roles.set(each.role, [...(roles.get(each.role) ?? []), method]);
  }
  return roles;
}

const hasOwner = (rule: AccessRule) => Object.values(rule.access).some((who) => who.some((each) => each.kind === 'owner'));

function matchesSomeResource(rule: AccessRule, resources: readonly Resource[]): boolean {
  const matcher = compileRules([rule]);
  const second = segmentsOf(rule.pattern)[1];
  const id = second !== undefined && LITERAL.test(second) ? second : 'any-id';
  return resources.some(({ name, kind }) => matcher.ruleFor(`/${name}`) || (kind === 'collection' && matcher.ruleFor(`/${name}/${id}`)));
}

/** The collections whose list, or some of whose items, `rule` decides once every rule is in place. */
function collectionsDecidedBy(rule: AccessRule, matcher: RuleMatcher, collections: readonly string[]): string[] {
  return collections.filter((name) => matcher.ruleFor(`/${name}`) === rule || matcher.itemRulesOf(name).includes(rule));
}

const hasOwnedRecord = (records: unknown, field: string) =>
  Array.isArray(records) &&
  records.some((record) => record !== null && typeof record === 'object' && ['string', 'number'].includes(typeof (record as Record<string, unknown>)[field]));

/** Why a path cannot take a rule at all: /db and the auth routes are answered before any rule is looked at. */
function reservedPath(first: string, isResource: (segment: string) => boolean): string | undefined {
  const segment = first.toLowerCase();
  if (segment === 'db') return 'GET /db is for the admin role only, whatever routes.json says; remove this rule';
  if (AUTH_SEGMENTS.has(segment) && (segment === 'auth' || !isResource(first))) {
    return `/${first} is an auth route, answered before any rule, so routes.json cannot restrict it; remove this rule`;
  }
  return undefined;
}

/** A "who" that is a keyword misspelt or in capitals (parseWho takes any other word for a role name). */
function misspeltKeyword(rule: AccessRule, heldRoles: ReadonlySet<string>): string | undefined {
  for (const [role, methods] of rolesOf(rule)) {
    if (heldRoles.has(role)) continue; // a real role that happens to look like a keyword
    const keyword = nearMiss(role, WHO_KEYWORDS) ?? WHO_KEYWORDS.find((word) => word === role.toLowerCase());
    if (keyword) return `"${role}" (for ${methods.join(' ')}) would be a role name; did you mean "${keyword}"? (the keywords are ${WHO_KEYWORDS.join(', ')})`;
  }
  return undefined;
}

/**
 * The start-time check of routes.json against the db it serves: a rule must protect every way to reach what it
 * names, or the server refuses to start. A rule that could never apply where it was meant to (a rewritten path,
 * a nested route, the auth routes) and a near miss (a resource or keyword one edit away) are errors, each
 * saying what to write instead; what may be meant (a path no resource has, a role no account holds yet, an
 * owner rule on records without owners) is a warning.
 */
export async function checkRules(input: RulesCheckInput): Promise<RulesCheck> {
  const { where, routes } = input;
  const resources = [...input.resources];
  const names = resources.map(({ name }) => name);
  const collections = resources.filter(({ kind }) => kind === 'collection').map(({ name }) => name);
  const isResource = (segment: string) => names.some((name) => name.toLowerCase() === segment.toLowerCase());
  const isCollection = (segment: string) => collections.some((name) => name.toLowerCase() === segment.toLowerCase());
  const heldRoles = new Set(input.roles);
  const rewritten = makeRewrittenPath(routes.rewrites);
  const matcher = compileRules(routes.rules, collections);
  const errors: string[] = [];
  const warnings: string[] = [];
  // Said once per role, naming every rule that gives it.
  const missingRoles = new Map<string, string[]>();

  for (const rule of routes.rules) {
    const say = (list: string[]) => (reason: string) => void list.push(`${where}: "${rule.key}": ${reason}`);
    const error = say(errors);
    const warn = say(warnings);
    const segments = segmentsOf(rule.pattern);
    const first = segments[0] ?? '';
    const literalFirst = LITERAL.test(first) ? first : undefined;

    const reserved = literalFirst && reservedPath(literalFirst, isResource);
    if (reserved) {
      error(reserved);
      continue;
    }
    const target = (await rewritten(rule.pattern)).split('?')[0];
    if (target.replace(/\/+$/, '').toLowerCase() !== rule.pattern.replace(/\/+$/, '').toLowerCase()) {
      error(`a rewrite turns ${rule.pattern} into ${target} before any rule is looked at, so this rule would never apply; write "${target}" instead`);
      continue;
    }
    const keyword = misspeltKeyword(rule, heldRoles);
    if (keyword) {
      error(keyword);
      continue;
    }
    if (!matchesSomeResource(rule, resources)) {
      const meant = literalFirst && nearMiss(literalFirst, names);
      const child = segments.length >= 3 ? segments[segments.length - 1] : '';
      if (meant) error(`no resource is named ${first}; did you mean "${['', meant, ...segments.slice(1)].join('/')}"?`);
      else if (LITERAL.test(child) && isCollection(child)) {
        error(
          `json-server serves a nested route as its child resource (/posts/1/comments is /comments?postId=1), and rules judge that resource: write the rule for "/${child}"`,
        );
      } else {
        warn(
          `matches no resource of the db, so ${input.customRoutes ? 'it applies only to routes your --middlewares answer' : 'it protects nothing (json-server has no route there)'}`,
        );
      }
      continue;
    }

    for (const role of rolesOf(rule).keys()) if (!heldRoles.has(role)) missingRoles.set(role, [...(missingRoles.get(role) ?? []), rule.key]);
    if (!hasOwner(rule)) continue;
    for (const collection of collectionsDecidedBy(rule, matcher, collections)) {
      const field = input.ownerField(collection);
      if (!hasOwnedRecord(input.data[collection], field))
        warn(`an owner rule, but no record of ${collection} has the owner field ${field}: each caller sees only the records they create`);
    }
  }
  return { errors, warnings: [...warnings, ...missingRoleWarnings(where, missingRoles, heldRoles)] };
}

/** One warning per role no account holds, naming every rule that gives it. */
function missingRoleWarnings(where: string, missingRoles: ReadonlyMap<string, string[]>, heldRoles: ReadonlySet<string>): string[] {
  return [...missingRoles].map(([role, keys]) => {
    const meant = nearMiss(role, heldRoles);
    return (
      `${where}: ${keys.map((key) => `"${key}"`).join(', ')}: no account has the role "${role}" yet${meant ? ` (did you mean "${meant}"?)` : ''}; ` +
      `give it with fake-jwt-api users add <email> --role ${role}, or as an admin with PATCH /auth/users/:id`
    );
  });
}

/** Stops the start on the first error, in one line (exit code 2), saying how many more there are. */
export function refuseRuleErrors({ errors }: RulesCheck): void {
  if (errors.length === 0) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more ${errors.length > 2 ? 'problems' : 'problem'} in the routes)` : '';
  throw new ConfigError('ERR_ROUTES_FILE', `${errors[0]}${more}`);
}
