import type { Request } from 'express';
import type { Authenticate } from '../auth/authenticate';
import { whoMay, type RuleMatcher } from './rules/match';
import type { Who } from './rules/who';
import { decide, refusal, type Verdict } from './decide';
import { itemPath } from '../json-server/resolve';
import { isOwnedBy, type OwnershipContext } from './owner';

export type DefaultAccess = 'authenticated' | 'public';

const READ_METHODS = new Set(['GET', 'HEAD']);
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const isRead = (method: string) => READ_METHODS.has(method);

export const describeRequest = (method: string, path: string) => `${isRead(method) ? 'read' : method} ${path}`;

/** Keeps a record in what a caller reads, or leaves it out. */
export type RecordFilter = (record: unknown) => boolean;

/**
 * The one place a rule becomes a decision, shared by the guard (which refuses early, before --middlewares) and
 * the data gate (which decides again right before json-server touches the data).
 */
export interface AccessPolicy {
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
  authenticate: Authenticate;
  ownership: OwnershipContext;
}


export function makeAccessPolicy(options: PolicyOptions): AccessPolicy {
  const { rules, authenticate, ownership } = options;
  const defaultWho: readonly Who[] = [{ kind: options.defaultAccess }];
  const verdict = (req: Request, method: string, canonicalPath: string) => decide(whoMay(rules.ruleFor(canonicalPath), method) ?? defaultWho, authenticate(req));

  /** Whether a verdict lets the caller at one record of the collection. */
  const passes = (result: Verdict, record: unknown, collection: string) =>
    result.pass === 'full' || (result.pass === 'owner' && isOwnedBy(record, ownership.ownerField(collection), result.callerId));
  const allowsRecord: AccessPolicy['allowsRecord'] = (req, method, collection, record) =>
    passes(verdict(req, method, itemPath(collection, (record as Record<string, unknown> | null)?.[ownership.idField])), record, collection);

  return {
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
