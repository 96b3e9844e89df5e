import type { Request, Response } from 'express';
import pluralize from 'pluralize';
import { callerClaims } from '../auth/authenticate';
import { forbidden } from '../errors';
import { noRouteError } from '../http/errors';
import type { DeleteCascade, Dependent } from '../json-server/delete-cascade';
import type { IdLedger } from '../json-server/ids';
import type { DataGate } from '../json-server/router';
import { itemPath, type Target } from '../json-server/resolve';
import type { Verdict } from './decide';
import { findRecord, guardOwnerField, isOwnedBy, notYours } from './owner';
import { isRead, requireDbReader } from './policy';
import { readThroughViews, type ReadViewOptions } from './read-views';

export interface DataGateOptions extends ReadViewOptions {
  ledger: IdLedger;
  cascade: DeleteCascade;
  /**
   * The request may have waited since it was authenticated (_delay, --delay, --middlewares), and the caller's
   * session may have ended meanwhile (a logout, a deleted account, a role changed): it is looked up again right
   * before the data is touched.
   */
  recheckSession: (req: Request) => void;
}

/** The options, and the collections by the singular json-server reads a parent by (`postId`). */
interface Gate extends DataGateOptions {
  collectionsBySingular: ReadonlyMap<string, string>;
}

type Doc = Record<string, unknown>;
type ResourceTarget = Exclude<Target, { kind: 'db' }>;
type ParentTarget = NonNullable<Extract<Target, { kind: 'collection' }>['parent']>;

/**
 * README "Access rules": reading /posts/1/comments also needs the right to read post 1. json-server reads the parent
 * by its singular (`postId`), so `/post/1/comments` and `/POSTS/1/comments` name post 1 too.
 */
function enforceParentRead({ policy, ownership, collectionsBySingular }: Gate, req: Request, parent: ParentTarget): void {
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
function ownerGuard(
  { policy, ownership }: Gate,
  req: Request,
  resource: string,
  verdict: Verdict,
): { field: string; callerId: string | undefined } | undefined {
  if (verdict.pass !== 'owner' && !(policy.ownerRuled(resource) && !policy.writesEverything(req, resource))) return undefined;
  return { field: ownership.ownerField(resource), callerId: verdict.pass === 'owner' ? verdict.callerId : callerClaims(req)?.sub };
}

/**
 * A DELETE removes the records that point at the one deleted, but only those the caller could delete directly:
 * the rest stay (their owners, or an admin, may remove them). Refusing instead would let anyone who may point a
 * record at yours (a comment on your post) stop you deleting it, and tell them of records they cannot read.
 */
const mayCascadeTo =
  ({ policy }: Gate, req: Request) =>
  ({ collection, record }: Dependent) =>
    policy.allowsRecord(req, 'DELETE', collection, record);

/** Checks a write and prepares its body; false when the gate answered itself (json-server's 404 for a missing record). */
function checkWrite(gate: Gate, req: Request, res: Response, target: ResourceTarget, verdict: Verdict): boolean {
  const { ownership } = gate;
  const name = target.resource.name;
  const body = req.body as Doc;
  const data = ownership.data();
  if (target.kind === 'singular') {
    const current = data[name] as Doc;
    if (verdict.pass === 'owner' && !isOwnedBy(current, ownership.ownerField(name), verdict.callerId)) throw notYours();
    const guard = ownerGuard(gate, req, name, verdict);
    if (guard) guardOwnerField(body, guard.field, { kind: req.method === 'PATCH' ? 'patch' : 'replace', current }, guard.callerId, ownership);
    return true;
  }
  const guard = ownerGuard(gate, req, name, verdict);
  if (target.id === undefined) {
    gate.ledger.checkClientId(name, body[ownership.idField]);
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
  if (req.method !== 'DELETE' && guard)
    guardOwnerField(body, guard.field, { kind: req.method === 'PUT' ? 'replace' : 'patch', current: record }, guard.callerId, ownership);
  return true;
}

/** An item, or a singular resource, read by a caller who passes only as owner must be theirs. */
function checkOwnRead({ ownership }: Gate, target: ResourceTarget, verdict: Verdict): void {
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

/**
 * Decides, and runs json-server's step when allowed. Without `run` it only checks (for the guard, before
 * --middlewares): nothing is taken out of the query and no view is made.
 */
function judge(gate: Gate, req: Request, res: Response, run?: () => void): boolean {
  const resolved = req.resolved;
  if (!resolved) throw noRouteError(req);
  const { target } = resolved;
  if (target.kind === 'db') {
    requireDbReader(req);
    run?.();
    return true;
  }
  const verdict = gate.policy.enforce(req, req.method, resolved.canonicalPath);
  if (target.kind === 'collection' && target.parent) enforceParentRead(gate, req, target.parent);
  if (!isRead(req.method)) {
    if (!checkWrite(gate, req, res, target, verdict)) return false;
    if (run && req.method === 'DELETE') gate.cascade.limitedTo(mayCascadeTo(gate, req), run);
    else run?.();
    return true;
  }
  checkOwnRead(gate, target, verdict);
  if (run) readThroughViews(gate, req, target, run);
  return true;
}

/**
 * The data gate: the access decision that depends on the data, made immediately before json-server's data step
 * runs, with nothing asynchronous in between (see json-server/router.ts). It finds the record a write names and
 * checks its owner, stamps or checks owners on creates, refuses a DELETE whose cascade would remove records the
 * caller may not delete, refuses ids used before, and, for reads, hands json-server a view of each collection it
 * reads (read-views.ts).
 */
export interface DataGates {
  /** Put in front of json-server's data steps (json-server/router.ts). */
  dataGate: DataGate;
  /** The same decision without running anything: false when it answered the request itself (a 404). */
  precheck(req: Request, res: Response): boolean;
}

export function makeDataGate(options: DataGateOptions): DataGates {
  // Parents by the singular json-server reads them by (`postId`): /post/1/comments and /POSTS/1/comments are post 1.
  const collectionsBySingular = new Map([...options.collections].reverse().map((name) => [pluralize.singular(name).toLowerCase(), name]));
  const gate: Gate = { ...options, collectionsBySingular };
  const dataGate: DataGate = (req, res, run) => {
    options.recheckSession(req);
    judge(gate, req, res, run);
  };
  return { dataGate, precheck: (req, res) => judge(gate, req, res) };
}
