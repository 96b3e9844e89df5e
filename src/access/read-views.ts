import type { Request } from 'express';
import lodashGet from 'lodash/get';
import pluralize from 'pluralize';
import { ADMIN_ROLE } from '../accounts/roles';
import { callerClaims, hasRole } from '../auth/authenticate';
import { badRequest } from '../errors';
import { USERS_COLLECTION } from '../json-server/database';
import { compileLike, LIKE_BUDGET, type LikeMatcher } from '../json-server/like';
import type { Target } from '../json-server/resolve';
import { isOwnedBy, type OwnershipContext } from './owner';
import type { AccessPolicy, RecordFilter } from './policy';

export interface ReadViewOptions {
  policy: AccessPolicy;
  ownership: OwnershipContext;
  /** The collections of the data, by name: `_embed` and `_expand` may name only these. */
  collections: ReadonlySet<string>;
  /** True when `users` is the collection of account profiles. */
  accountsCollection: boolean;
  /** --public-emails: every caller sees every account's email in the users resource, as json-server-auth showed them. */
  publicEmails: boolean;
}

type Doc = Record<string, unknown>;

/** What a read may see of each collection it touches, instead of the whole: its records filtered and shaped. */
interface View {
  keep?: RecordFilter;
  shape?: (record: unknown) => unknown;
}

/**
 * The `_like` filters of a list, taken out of json-server's hands: applied in the view, by a linear-time engine,
 * within the request's budget (json-server/like.ts), so no pattern over any data holds the event loop for long.
 */
function takeLikeFilters(query: Record<string, unknown>): RecordFilter | undefined {
  const filters: Array<{ path: string; matchers: LikeMatcher[] }> = [];
  for (const key of Object.keys(query)) {
    if (!key.endsWith('_like')) continue;
    filters.push({ path: key.slice(0, -'_like'.length), matchers: [...new Set([query[key]].flat())].map((pattern) => compileLike(key, pattern)) });
    delete query[key];
  }
  if (filters.length === 0) return undefined;
  let spent = 0;
  // As json-server reads a `_like` filter: the field at a lodash path, as text; repeated values, any of them.
  return (record) =>
    filters.every(({ path, matchers }) => {
      const value = lodashGet(record, path);
      if (value === undefined || value === null) return false;
      const text = String(value);
      return matchers.some((matcher) => {
        spent += text.length * matcher.costPerChar;
        if (spent > LIKE_BUDGET)
          throw badRequest(
            'These _like filters would scan more text than one request may (the server must stay responsive); use simpler patterns (without * + ? {} or |), or fewer records (another filter, or a nested route).',
          );
        return matcher.test(text);
      });
    });
}

const both = (first: RecordFilter | undefined, second: RecordFilter | undefined): RecordFilter | undefined =>
  first && second ? (record) => first(record) && second(record) : (first ?? second);

/** Accounts' emails are for their owner and admins; other callers see the rest of the profile. */
function emailShaper(options: ReadViewOptions, req: Request, collection: string): View['shape'] {
  if (options.publicEmails || !options.accountsCollection || collection !== USERS_COLLECTION) return undefined;
  const claims = callerClaims(req);
  if (claims && hasRole(claims, ADMIN_ROLE)) return undefined;
  return (record) => {
    if (record === null || typeof record !== 'object' || !('email' in record)) return record;
    if (claims && isOwnedBy(record, options.ownership.idField, claims.sub)) return record;
    const { email: _email, ...profile } = record as Doc;
    return profile;
  };
}

function viewFor(options: ReadViewOptions, req: Request, collection: string, extra?: RecordFilter): View | false {
  const keep = options.policy.readFilter(req, collection);
  if (keep === false) return false;
  return { keep: both(keep === undefined ? undefined : keep, extra), shape: emailShaper(options, req, collection) };
}

/** `_embed` and `_expand` keep only collections the caller may read, each through its view. */
function embeddedViews(options: ReadViewOptions, req: Request, views: Map<string, View>): void {
  const query = req.query as Record<string, unknown>;
  for (const [parameter, many] of [
    ['_embed', true],
    ['_expand', false],
  ] as const) {
    if (query[parameter] === undefined) continue;
    // Only names of collections: json-server hands the name to lodash's `get`, which would follow `a.b`.
    // Each name makes json-server scan a collection once per record: a repeated one is work and no answer.
    const kept = [...new Set([query[parameter]].flat())].filter((name): name is string => {
      if (typeof name !== 'string') return false;
      const collection = many ? name : pluralize(name);
      if (!options.collections.has(collection)) return false;
      const view = views.get(collection) ?? viewFor(options, req, collection);
      if (view === false) return false;
      views.set(collection, view);
      return true;
    });
    if (kept.length > 0) query[parameter] = kept;
    else delete query[parameter];
  }
}

/**
 * Runs json-server's read with each collection it touches replaced by the caller's view, and puts them back: only
 * the records the caller may read, `_like` filters already applied by a linear-time engine, and accounts' emails
 * hidden from other users. So no caller-supplied filter, search, sort or slice ever runs over a record the caller
 * may not read, and its timing cannot tell anything about one.
 */
export function readThroughViews(options: ReadViewOptions, req: Request, target: Exclude<Target, { kind: 'db' }>, run: () => void): void {
  const views = new Map<string, View>();
  if (target.kind === 'collection') {
    const name = target.resource.name;
    const likes = target.id === undefined ? takeLikeFilters(req.query as Record<string, unknown>) : undefined;
    const view = viewFor(options, req, name, likes);
    if (view !== false) views.set(name, view);
  }
  embeddedViews(options, req, views);
  const state = options.ownership.data();
  const originals = new Map<string, unknown>();
  for (const [name, { keep, shape }] of views) {
    if (!keep && !shape) continue;
    const records = state[name] as unknown[];
    // Shaped first, so a caller's filter (email_like) sees only what the caller may see.
    const shaped = shape ? records.map(shape) : records;
    const shown = keep ? shaped.filter(keep) : shaped;
    originals.set(name, records);
    state[name] = shown;
  }
  try {
    run();
  } finally {
    for (const [name, records] of originals) state[name] = records;
  }
}
