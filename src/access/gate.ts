import type { Request, Response } from 'express';
import lodashGet from 'lodash/get';
import pluralize from 'pluralize';
import { ADMIN_ROLE } from '../accounts/roles';
import { requireAdmin, type Authenticate } from '../auth/authenticate';
import { badRequest, forbidden } from '../errors';
import { noRouteError } from '../http/errors';
import type { DeleteCascade, Dependent } from '../json-server/delete-cascade';
import type { IdLedger } from '../json-server/ids';
import { compileLike, LIKE_BUDGET, type LikeMatcher } from '../json-server/like';
import type { DataGate } from '../json-server/router';
import { USERS_COLLECTION } from '../json-server/database';
import type { Verdict } from './decide';
import { findRecord, guardOwnerField, isOwnedBy, notYours, type OwnershipContext } from './owner';
import { isRead, type AccessPolicy, type RecordFilter } from './policy';
import { itemPath, type Target } from '../json-server/resolve';

export interface DataGateOptions {
  policy: AccessPolicy;
  ownership: OwnershipContext;
  ledger: IdLedger;
  cascade: DeleteCascade;
  authenticate: Authenticate;
  /** The collections of the data, by name: `_embed` and `_expand` may name only these. */
  collections: ReadonlySet<string>;
  /** True when `users` is the collection of account profiles. */
  accountsCollection: boolean;
  /** --public-emails: every caller sees every account's email in the users resource, as json-server-auth showed them. */
  publicEmails: boolean;
  /** --middlewares sit between the guard and the data: they may wait, so the caller is authenticated again. */
  reauthenticate: boolean;
}

type Doc = Record<string, unknown>;
type CollectionTarget = Extract<Target, { kind: 'collection' }>;

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
        if (spent > LIKE_BUDGET) throw badRequest('These _like filters would scan more text than one request may (the server must stay responsive); use simpler patterns (without * + ? {} or |), or fewer records (another filter, or a nested route).');
        return matcher.test(text);
      });
    });
}

const both = (first: RecordFilter | undefined, second: RecordFilter | undefined): RecordFilter | undefined =>
  first && second ? (record) => first(record) && second(record) : (first ?? second);

/**
 * The data gate: the access decision that depends on the data, made immediately before json-server's data step
 * runs, with nothing asynchronous in between (see json-server/router.ts). It finds the record a write names and
 * checks its owner, stamps or checks owners on creates, refuses a DELETE whose cascade would remove records the
 * caller may not delete, refuses ids used before, and, for reads, hands json-server a view of each collection it
 * reads: only the records the caller may read, `_like` filters already applied by a linear-time engine, and
 * accounts' emails hidden from other users. So no caller-supplied filter, search, sort or slice ever runs over a
 * record the caller may not read, and its timing cannot tell anything about one.
 */
export interface DataGates {
  /** Put in front of json-server's data steps (json-server/router.ts). */
  dataGate: DataGate;
  /** The same decision without running anything: false when it answered the request itself (a 404). */
  precheck(req: Request, res: Response): boolean;
}

export function makeDataGate(options: DataGateOptions): DataGates {
  const { policy, ownership, ledger, authenticate, collections } = options;
  // Parents by the singular json-server reads them by (`postId`): /post/1/comments and /POSTS/1/comments are post 1.
  const collectionsBySingular = new Map([...collections].reverse().map((name) => [pluralize.singular(name).toLowerCase(), name]));

  /**
   * README "Access rules": reading /posts/1/comments also needs the right to read post 1. json-server reads the parent by its
   * singular (`postId`), so `/post/1/comments` and `/POSTS/1/comments` name post 1 too.
   */
  function enforceParentRead(req: Request, parent: NonNullable<CollectionTarget['parent']>): void {
    const name = collectionsBySingular.get(pluralize.singular(parent.name).toLowerCase());
    if (!name) return; // json-server filters on it all the same; nothing to read
    const verdict = policy.enforce(req, 'GET', itemPath(name, parent.id));
    if (verdict.pass !== 'owner') return;
    const record = findRecord(ownership.data()[name], ownership.idField, parent.id);
    if (!isOwnedBy(record, ownership.ownerField(name), verdict.callerId)) {
      throw forbidden(`${name} ${parent.id} belongs to someone else; the rule lets you read only your own.`);
    }
  }

  /** Who the caller is for owner fields, when the resource has owners and the caller may not write every record. */
  function ownerGuard(req: Request, resource: string, verdict: Verdict): { field: string; callerId: string | undefined } | undefined {
    if (verdict.pass !== 'owner' && !(policy.ownerRuled(resource) && !policy.writesEverything(req, resource))) return undefined;
    return { field: ownership.ownerField(resource), callerId: verdict.pass === 'owner' ? verdict.callerId : authenticate(req)?.sub };
  }

  /**
   * A DELETE removes the records that point at the one deleted, but only those the caller could delete directly:
   * the rest stay (their owners, or an admin, may remove them). Refusing instead would let anyone who may point a
   * record at yours (a comment on your post) stop you deleting it, and tell them of records they cannot read.
   */
  const mayCascadeTo = (req: Request) => ({ collection, record }: Dependent) => policy.allowsRecord(req, 'DELETE', collection, record);

  /** Checks a write and prepares its body; false when the gate answered itself (json-server's 404 for a missing record). */
  function checkWrite(req: Request, res: Response, target: Exclude<Target, { kind: 'db' }>, verdict: Verdict): boolean {
    const name = target.resource.name;
    const body = req.body as Doc;
    const data = ownership.data();
    if (target.kind === 'singular') {
      const current = data[name] as Doc;
      if (verdict.pass === 'owner' && !isOwnedBy(current, ownership.ownerField(name), verdict.callerId)) throw notYours();
      const guard = ownerGuard(req, name, verdict);
      if (guard) guardOwnerField(body, guard.field, { kind: req.method === 'PATCH' ? 'patch' : 'replace', current }, guard.callerId, ownership);
      return true;
    }
    const guard = ownerGuard(req, name, verdict);
    if (target.id === undefined) {
      ledger.checkClientId(name, body[ownership.idField]);
      if (guard) guardOwnerField(body, guard.field, { kind: 'create' }, guard.callerId, ownership);
      return true;
    }
    const record = findRecord(data[name], ownership.idField, target.id);
    // json-server's own answer, without its side effects: its DELETE would still run the cascade and write.
    if (!record) {
      res.status(404).json({});
      return false;
    }
    if (verdict.pass === 'owner' && !isOwnedBy(record, ownership.ownerField(name), verdict.callerId)) throw notYours();
    if (req.method !== 'DELETE' && guard) guardOwnerField(body, guard.field, { kind: req.method === 'PUT' ? 'replace' : 'patch', current: record }, guard.callerId, ownership);
    return true;
  }

  /** Accounts' emails are for their owner and admins; other callers see the rest of the profile. */
  function emailShaper(req: Request, collection: string): View['shape'] {
    if (options.publicEmails || !options.accountsCollection || collection !== USERS_COLLECTION) return undefined;
    const claims = authenticate(req);
    if (claims?.role === ADMIN_ROLE) return undefined;
    return (record) => {
      if (record === null || typeof record !== 'object' || !('email' in record)) return record;
      if (claims && isOwnedBy(record, ownership.idField, claims.sub)) return record;
      const { email: _email, ...profile } = record as Doc;
      return profile;
    };
  }

  function viewFor(req: Request, collection: string, extra?: RecordFilter): View | false {
    const keep = policy.readFilter(req, collection);
    if (keep === false) return false;
    return { keep: both(keep === undefined ? undefined : keep, extra), shape: emailShaper(req, collection) };
  }

  /** `_embed` and `_expand` keep only collections the caller may read, each through its view. */
  function embeddedViews(req: Request, views: Map<string, View>): void {
    const query = req.query as Record<string, unknown>;
    for (const [parameter, many] of [['_embed', true], ['_expand', false]] as const) {
      if (query[parameter] === undefined) continue;
      // Only names of collections: json-server hands the name to lodash's `get`, which would follow `a.b`.
      // Each name makes json-server scan a collection once per record: a repeated one is work and no answer.
      const kept = [...new Set([query[parameter]].flat())].filter((name): name is string => {
        if (typeof name !== 'string') return false;
        const collection = many ? name : pluralize(name);
        if (!collections.has(collection)) return false;
        const view = views.get(collection) ?? viewFor(req, collection);
        if (view === false) return false;
        views.set(collection, view);
        return true;
      });
      if (kept.length > 0) query[parameter] = kept;
      else delete query[parameter];
    }
  }

  /** An item, or a singular resource, read by a caller who passes only as owner must be theirs. */
  function checkOwnRead(target: Exclude<Target, { kind: 'db' }>, verdict: Verdict): void {
    if (verdict.pass !== 'owner') return;
    const name = target.resource.name;
    const data = ownership.data();
    if (target.kind === 'singular') {
      if (!isOwnedBy(data[name], ownership.ownerField(name), verdict.callerId)) throw notYours();
      return;
    }
    if (target.id === undefined) return;
    const record = findRecord(data[name], ownership.idField, target.id);
    if (record && !isOwnedBy(record, ownership.ownerField(name), verdict.callerId)) throw notYours();
  }

  /** Runs json-server's read with each collection it touches replaced by the caller's view, and puts them back. */
  function readThroughViews(req: Request, target: Exclude<Target, { kind: 'db' }>, run: () => void): void {
    const views = new Map<string, View>();
    if (target.kind === 'collection') {
      const name = target.resource.name;
      const likes = target.id === undefined ? takeLikeFilters(req.query as Record<string, unknown>) : undefined;
      const view = viewFor(req, name, likes);
      if (view !== false) views.set(name, view);
    }
    embeddedViews(req, views);
    const state = ownership.data();
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

  /**
   * Decides, and runs json-server's step when allowed. Without `run` it only checks (for the guard, before
   * --middlewares): nothing is taken out of the query and no view is made.
   */
  function judge(req: Request, res: Response, run?: () => void): boolean {
    const resolved = req.resolved;
    if (!resolved) throw noRouteError(req);
    const { target } = resolved;
    if (target.kind === 'db') {
      requireAdmin(authenticate, req, 'GET /db shows all the data and');
      run?.();
      return true;
    }
    const verdict = policy.enforce(req, req.method, resolved.canonicalPath);
    if (target.kind === 'collection' && target.parent) enforceParentRead(req, target.parent);
    if (!isRead(req.method)) {
      if (!checkWrite(req, res, target, verdict)) return false;
      if (run && req.method === 'DELETE') options.cascade.limitedTo(mayCascadeTo(req), run);
      else run?.();
      return true;
    }
    checkOwnRead(target, verdict);
    if (run) readThroughViews(req, target, run);
    return true;
  }

  const dataGate: DataGate = (req, res, run) => {
    if (options.reauthenticate) req.auth = undefined;
    judge(req, res, run);
  };
  return { dataGate, precheck: (req, res) => judge(req, res) };
}
