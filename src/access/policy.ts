import type { Request } from 'express';
import { ADMIN_ROLE } from '../accounts/roles';
import { callerClaims, requireAdmin } from '../auth/authenticate';
import { USERS_COLLECTION } from '../json-server/database';
import { itemPath } from '../json-server/resolve';
import { whoMay, type RuleMatcher } from './rules/match';
import type { Who } from './rules/who';
import { decide, refusal, type Verdict } from './decide';
import { isOwnedBy, type OwnershipContext } from './owner';

export type DefaultAccess = 'authenticated' | 'public';

const READ_METHODS = new Set(['GET', 'HEAD']);
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const isRead = (method: string) => READ_METHODS.has(method);

export const describeRequest = (method: string, path: string) => `${isRead(method) ? 'read' : method} ${path}`;

/** Keeps a record in what a caller reads, or leaves it out. */
export type RecordFilter = (record: unknown) => boolean;

/** Why nobody may write a resource whatever routes.json says: the guard's 403, and the description's "who". */
export interface WriteBan {
  who: string;
  message: string;
}

const READ_ONLY_SERVER: WriteBan = {
  who: 'nobody (--read-only)',
  message: 'The server runs with --read-only: resources can be read, not changed.',
};
// POST /users stays json-server-auth's registration (an /auth route, before the guard, working under --read-only
// too), so the description says so rather than "nobody".
const ACCOUNT_PROFILES: WriteBan = {
  who: 'registration only (POST /users); accounts change through /auth',
  message: 'The users resource shows the accounts and is read-only; accounts change through /auth (POST /auth/register, PATCH /auth/me).',
};

/** GET /db shows all the data: for admins, whatever routes.json says; json-server has no way to write it. */
export const DB_ACCESS = { name: 'db', read: ADMIN_ROLE, write: 'nobody' } as const;
export const requireDbReader = (req: Request) => requireAdmin(req, 'GET /db shows all the data and');

/**
 * The one place a rule becomes a decision, shared by the guard (which refuses early, before --middlewares), the
 * data gate (which decides again right before json-server touches the data) and the description of the API (the
 * banner and the playground), so what they show is what is enforced.
 */
export interface AccessPolicy {
  /** Who may use `method` on a canonical path: its rule's list, or the default access when no rule names it. */
  whoMay(method: string, canonicalPath: string): readonly Who[];
  /** Why nobody may write the resource whatever its rule (--read-only, the accounts' profiles); undefined when its rule decides. */
  writeBan(resource: string): WriteBan | undefined;
  /** The verdict of the rule for `method` on a canonical path (the default access when no rule names it). */
  verdict(req: Request, method: string, canonicalPath: string): Verdict;
  /** The verdict, or the 401/403 that refuses it. */
  enforce(req: Request, method: string, canonicalPath: string): Exclude<Verdict, { pass: 'none' }>;
  /** True when any method of the resource's rule names `owner`: its records have owners that callers must respect. */
  ownerRuled(resource: string): boolean;
  /** True when the caller passes every write method of the resource fully (e.g. `admin` in its rule): they may name any owner. */
  writesEverything(req: Request, resource: string): boolean;
  /** Whether the caller may use `method` on one record of a collection: its item's rule passes fully, or as its owner. */
  allowsRecord(req: Request, method: string, collection: string, record: unknown): boolean;
  /**
   * Which records of a collection the caller may read, judged record by record where an item rule (`/posts/1`)
   * applies: undefined when they may read all of them, `false` when none.
   */
  readFilter(req: Request, collection: string): RecordFilter | undefined | false;
}

export interface PolicyOptions {
  rules: RuleMatcher;
  defaultAccess: DefaultAccess;
  ownership: OwnershipContext;
  readOnly: boolean;
  /** True when `users` is the read-only collection of account profiles. */
  accountsCollection: boolean;
}

export function makeAccessPolicy(options: PolicyOptions): AccessPolicy {
  const { rules, ownership } = options;
  const defaultWho: readonly Who[] = [{ kind: options.defaultAccess }];
  const whoMayUse = (method: string, canonicalPath: string) => whoMay(rules.ruleFor(canonicalPath), method) ?? defaultWho;
  const verdict = (req: Request, method: string, canonicalPath: string) => decide(whoMayUse(method, canonicalPath), callerClaims(req));

  /** Whether a verdict lets the caller at one record of the collection. */
  const passes = (result: Verdict, record: unknown, collection: string) =>
    result.pass === 'full' || (result.pass === 'owner' && isOwnedBy(record, ownership.ownerField(collection), result.callerId));
  const allowsRecord: AccessPolicy['allowsRecord'] = (req, method, collection, record) =>
    passes(verdict(req, method, itemPath(collection, (record as Record<string, unknown> | null)?.[ownership.idField])), record, collection);

  return {
    whoMay: whoMayUse,
    writeBan(resource) {
      const accounts = options.accountsCollection && resource === USERS_COLLECTION;
      if (options.readOnly) return accounts ? { ...READ_ONLY_SERVER, who: ACCOUNT_PROFILES.who } : READ_ONLY_SERVER;
      if (accounts) return ACCOUNT_PROFILES;
      return undefined;
    },
    verdict,
    enforce(req, method, canonicalPath) {
      const result = verdict(req, method, canonicalPath);
      if (result.pass === 'none') throw refusal(result, describeRequest(method, canonicalPath));
      return result;
    },
    ownerRuled(resource) {
      const rule = rules.ruleFor(`/${resource}`);
      return ['GET', ...WRITE_METHODS].some((method) => (whoMay(rule, method) ?? []).some((who) => who.kind === 'owner'));
    },
    writesEverything(req, resource) {
      return WRITE_METHODS.every((method) => verdict(req, method, `/${resource}`).pass === 'full');
    },
    allowsRecord,
    readFilter(req, collection) {
      if (rules.hasItemRules(collection)) return (record) => allowsRecord(req, 'GET', collection, record);
      const collectionVerdict = verdict(req, 'GET', `/${collection}`);
      if (collectionVerdict.pass === 'full') return undefined;
      if (collectionVerdict.pass === 'none') return false;
      return (record) => passes(collectionVerdict, record, collection);
    },
  };
}
