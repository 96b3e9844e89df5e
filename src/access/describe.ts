import type { Resource } from '../json-server/resolve';
import type { RuleMatcher } from './rules/match';
import { describeWhoList, type Who } from './rules/who';
import { roleOf, type Account } from '../accounts/accounts-file';
import { DB_ACCESS, type AccessPolicy } from './policy';

/** What the server offers, for the banner and the home page: one description, two renderings. */
export interface ResourceDescription {
  name: string;
  kind: Resource['kind'];
  read: string;
  write: string;
  /** The routes.json key that decides it, when that is not a rule for its own path (`/admin/*` for admin). */
  rule?: string;
  /** Keys of rules that decide some of its items instead (`/posts/1`). */
  itemRules?: string[];
}

export interface ApiDescription {
  resources: ResourceDescription[];
  accounts: Array<{ email?: string; username?: string; role: string }>;
  rewrites: Record<string, string>;
  /** What the start-time check of routes.json warned of. */
  warnings: string[];
}

export interface DescribeInput {
  resources: Iterable<Resource>;
  accounts: readonly Account[];
  rewrites: Record<string, string>;
  /** Who may do what, as the guard enforces it. */
  policy: AccessPolicy;
  /** Only to name the rule that decides a resource, and its item rules. */
  rules: RuleMatcher;
  warnings?: readonly string[];
}

const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** "owner, admin", or per method when the write methods differ: "POST: authenticated; PUT PATCH DELETE: owner". */
function describeWrites(whoFor: (method: string) => readonly Who[]): string {
  const groups = new Map<string, string[]>();
  for (const method of WRITE_METHODS) {
    const who = describeWhoList(whoFor(method));
    groups.set(who, [...(groups.get(who) ?? []), method]);
  }
  if (groups.size === 1) return [...groups.keys()][0];
  return [...groups].map(([who, methods]) => `${methods.join(' ')}: ${who}`).join('; ');
}

export function describeApi(input: DescribeInput): ApiDescription {
  const { policy } = input;
  const resources = [...input.resources].map(({ name, kind }): ResourceDescription => {
    const path = `/${name}`;
    const whoFor = (method: string) => policy.whoMay(method, path);
    const write = policy.writeBan(name)?.who ?? describeWrites(whoFor);
    const description: ResourceDescription = { name, kind, read: describeWhoList(whoFor('GET')), write };
    const rule = input.rules.ruleFor(path);
    if (rule && rule.pattern.replace(/\/+$/, '').toLowerCase() !== path.toLowerCase()) description.rule = rule.key;
    const itemRules = kind === 'collection' ? input.rules.itemRulesOf(name) : [];
    if (itemRules.length > 0) description.itemRules = itemRules.map(({ key }) => key);
    return description;
  });
  resources.push({ name: DB_ACCESS.name, kind: 'singular', read: DB_ACCESS.read, write: DB_ACCESS.write });
  return {
    resources,
    accounts: input.accounts.map((account) => ({
      email: account.email,
      ...(account.username === undefined ? {} : { username: account.username }),
      role: roleOf(account),
    })),
    rewrites: input.rewrites,
    warnings: [...(input.warnings ?? [])],
  };
}
