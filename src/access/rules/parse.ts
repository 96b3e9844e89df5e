import { ConfigError } from '../../errors';
import { parseWho, type Who } from './who';

/** The methods a rule can name; HEAD follows GET. */
export const RULE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type RuleMethod = (typeof RULE_METHODS)[number];

const GROUPS: Record<string, readonly RuleMethod[]> = {
  read: ['GET'],
  write: ['POST', 'PUT', 'PATCH', 'DELETE'],
  '*': RULE_METHODS,
};

/** How specific a key of a rule object is: a method named outright beats `read`/`write`, which beat `*`. */
const enum KeyRank {
  All = 0,
  Group = 1,
  Method = 2,
}

/** One access rule: a path pattern and, per method, who may. Methods it does not name fall to the default. */
export interface AccessRule {
  /** The routes.json key, for messages and the banner. */
  key: string;
  /** An Express path pattern, matched against the canonical path of the resource. */
  pattern: string;
  access: Partial<Record<RuleMethod, readonly Who[]>>;
  /** Where it came from: a rule object, or a json-server-auth guard (number or rewrite prefix). */
  source: 'rule' | 'guard';
}

export interface RoutesConfig {
  /** json-server rewrites, exactly as json-server's `--routes` reads them (guard prefixes taken out). */
  rewrites: Record<string, string>;
  rules: AccessRule[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseWhoList(value: unknown): Who[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) throw new Error('the list of who may is empty; use "nobody" to forbid');
  const list = values.map(parseWho);
  if (list.length > 1 && list.some((who) => who.kind === 'nobody')) throw new Error('"nobody" cannot stand in a list with others');
  return list;
}

function methodsOf(key: string): { methods: readonly RuleMethod[]; rank: KeyRank } {
  const words = key.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) throw new Error('an empty method key');
  const methods = new Set<RuleMethod>();
  let rank = KeyRank.Method;
  for (const word of words) {
    const group = GROUPS[word.toLowerCase()];
    const method = word.toUpperCase();
    if (group) {
      group.forEach((each) => methods.add(each));
      rank = Math.min(rank, word === '*' ? KeyRank.All : KeyRank.Group);
    } else if ((RULE_METHODS as readonly string[]).includes(method)) {
      methods.add(method as RuleMethod);
    } else {
      throw new Error(`"${word}" is not GET, POST, PUT, PATCH, DELETE, read, write or *`);
    }
  }
  return { methods: [...methods], rank };
}

/** A rule object: `{ "read": "public", "PUT PATCH DELETE": ["owner", "admin"] }`. */
function parseRuleObject(key: string, value: Record<string, unknown>): AccessRule {
  const access: AccessRule['access'] = {};
  const ranks: Partial<Record<RuleMethod, KeyRank>> = {};
  for (const [methodKey, whoValue] of Object.entries(value)) {
    let parsed: { methods: readonly RuleMethod[]; rank: KeyRank };
    let who: Who[];
    try {
      parsed = methodsOf(methodKey);
      who = parseWhoList(whoValue);
    } catch (error) {
      throw new Error(`"${methodKey}": ${(error as Error).message}`, { cause: error });
    }
    for (const method of parsed.methods) {
      const existing = ranks[method];
      if (existing === parsed.rank) throw new Error(`"${methodKey}": ${method} is already given by another key of the same kind`);
      if (existing === undefined || parsed.rank > existing) {
        access[method] = who;
        ranks[method] = parsed.rank;
      }
    }
  }
  if (Object.keys(access).length === 0) throw new Error('the rule names no method; e.g. { "read": "public", "write": "authenticated" }');
  return { key, pattern: key, access, source: 'rule' };
}

/**
 * A json-server-auth guard: three octal-like digits for owner / logged-in / everyone, 4 = read, 2 = write
 * (644: the owner writes, everyone reads).
 */
export function guardAccess(code: string): AccessRule['access'] {
  if (!/^[0246]{3}$/.test(code)) throw new Error(`${code} is not a guard: three digits, each 0, 2, 4 or 6 (like 644, 640, 600, 664, 660, 444, 440, 400)`);
  const [owner, loggedIn, everyone] = [...code].map(Number);
  // Everyone includes the logged-in, who include the owner: the widest digit that allows it is the whole answer.
  const whoFor = (bit: number): Who[] => {
    if (everyone & bit) return [{ kind: 'public' }];
    if (loggedIn & bit) return [{ kind: 'authenticated' }];
    if (owner & bit) return [{ kind: 'owner' }];
    return [{ kind: 'nobody' }];
  };
  const read = whoFor(4);
  const write = whoFor(2);
  return { GET: read, POST: write, PUT: write, PATCH: write, DELETE: write };
}

// json-server-auth's resource keys: "posts", "/posts", "/posts*".
const GUARD_KEY = /^\/?([^/*?:()]+)\*?$/;
// A rewrite whose target starts with a guard: "/posts*": "/644/posts$1".
const GUARDED_TARGET = /^\/(\d{3})(\/.*)$/;

function guardRule(key: string, resource: string, code: string): AccessRule {
  return { key, pattern: `/${resource}`, access: guardAccess(code), source: 'guard' };
}

/** Reads routes.json's content: each entry is told apart by the type of its value (README "Access rules"). */
export function parseRoutes(where: string, content: unknown): RoutesConfig {
  if (!isPlainObject(content))
    throw new ConfigError('ERR_ROUTES_FILE', `${where}: expected one JSON object, like { "/api/*": "/$1", "/posts": { "read": "public" } }`);
  const rewrites: Record<string, string> = {};
  const rules: AccessRule[] = [];
  for (const [key, value] of Object.entries(content)) {
    const fail = (reason: string): never => {
      throw new ConfigError('ERR_ROUTES_FILE', `${where}: "${key}": ${reason}`);
    };
    try {
      if (typeof value === 'number') {
        const resource = GUARD_KEY.exec(key)?.[1] ?? fail('a guard needs a resource name as its key, like "posts": 644');
        rules.push(guardRule(key, resource, String(value)));
      } else if (typeof value === 'string') {
        if (!key.startsWith('/')) fail('a rewrite must start with /');
        const guarded = GUARDED_TARGET.exec(value);
        if (!guarded) {
          if (!value.startsWith('/')) fail(`the rewrite target "${value}" must start with /`);
          rewrites[key] = value;
          continue;
        }
        const [, code, target] = guarded;
        const resource =
          /^\/([A-Za-z0-9_.-]+)/.exec(target)?.[1] ?? fail(`cannot tell which resource the guard ${code} protects; write it as "<resource>": ${code}`);
        rewrites[key] = target;
        rules.push(guardRule(key, resource, code));
      } else if (isPlainObject(value)) {
        if (!key.startsWith('/')) fail('a rule\'s path must start with /, like "/posts"');
        rules.push(parseRuleObject(key, value));
      } else {
        fail('expected a string (a rewrite), a number (a guard like 644) or an object (an access rule)');
      }
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      fail((error as Error).message);
    }
  }
  return { rewrites, rules };
}
