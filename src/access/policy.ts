import type { Request } from 'express';
import type { Authenticate } from '../auth/authenticate';
import { whoMay, type RuleMatcher } from '../rules/match';
import type { Who } from '../rules/who';
import { decide, refusal, type Verdict } from './decide';
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

const itemPath = (collection: string, id: unknown) => `/${collection}/${encodeURIComponent(String(id))}`;

export function makeAccessPolicy(options: PolicyOptions): AccessPolicy {
  const { rules, authenticate, ownership } = options;
  const defaultWho: readonly Who[] = [{ kind: options.defaultAccess }];
  const verdict = (req: Request, method: string, canonicalPath: string) => decide(whoMay(rules.ruleFor(canonicalPath), method) ?? defaultWho, authenticate(req));

  /** Whether the caller may read one record, given the verdict that applies to it. */
  const readable = (record: unknown, collectionVerdict: Verdict, field: string) =>
    collectionVerdict.pass === 'full' || (collectionVerdict.pass === 'owner' && isOwnedBy(record, field, collectionVerdict.callerId));

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
    readFilter(req, collection) {
      const field = ownership.ownerField(collection);
      if (rules.hasItemRules(collection)) {
        const idField = ownership.idField;
        return (record) => readable(record, verdict(req, 'GET', itemPath(collection, (record as Record<string, unknown> | null)?.[idField])), field);
      }
      const collectionVerdict = verdict(req, 'GET', `/${collection}`);
      if (collectionVerdict.pass === 'full') return undefined;
      if (collectionVerdict.pass === 'none') return false;
      return (record) => readable(record, collectionVerdict, field);
    },
  };
}
