import type { Request } from 'express';
import { forbidden } from '../errors';
import type { Target } from './resolve';

/** Where ownership is read and written: the data, the id property, and each resource's owner field. */
export interface OwnershipContext {
  data(): Record<string, unknown>;
  idField: string;
  /** `userId` (following --fks), or the id itself for the users collection. */
  ownerField(resource: string): string;
  /** The caller's id with its type in users.json (2, not "2"), to stamp into records. */
  accountId(callerId: string): string | number;
  /** Told before json-server changes a record in place (PUT, PATCH). */
  beforeChange(record: object): void;
}

type Record_ = Record<string, unknown>;

const isRecord = (value: unknown): value is Record_ => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A record belongs to the caller when its owner field names them; a record without one belongs to nobody. */
export function isOwnedBy(record: unknown, field: string, callerId: string): boolean {
  if (!isRecord(record)) return false;
  const owner = record[field];
  return (typeof owner === 'string' || typeof owner === 'number') && String(owner) === callerId;
}

export function findRecord(collection: unknown, idField: string, id: string): Record_ | undefined {
  if (!Array.isArray(collection)) return undefined;
  // As lodash-id's getById compares: by the id's string form.
  return collection.find((record): record is Record_ => isRecord(record) && record[idField] !== undefined && record[idField] !== null && String(record[idField]) === id);
}

const notYours = () => forbidden('This record belongs to someone else; the rule lets you use only your own.');

/** A write may name its owner, but only the caller: handing a record to someone else is refused. */
function checkBodyOwner(body: Record_, field: string, callerId: string, ctx: OwnershipContext, stamp: boolean): void {
  if (body[field] !== undefined) {
    if (String(body[field]) !== callerId) throw forbidden(`"${field}" must be your own id: a record cannot be created for, or handed to, someone else.`);
    body[field] = ctx.accountId(callerId);
  } else if (stamp) {
    body[field] = ctx.accountId(callerId);
  }
}

/**
 * Applies owner semantics to a request of a caller who passes only as owner: lists are filtered to their records
 * (as a query json-server never drops), items must be theirs, creates are stamped with their id, and no write may
 * hand a record to someone else. Throws a 403 otherwise.
 */
export function applyOwnership(req: Request, target: Exclude<Target, { kind: 'db' }>, callerId: string, ctx: OwnershipContext): void {
  const name = target.resource.name;
  const field = ctx.ownerField(name);
  const body = req.body as Record_;
  const method = req.method;
  const data = ctx.data();

  if (target.kind === 'singular') {
    if (!isOwnedBy(data[name], field, callerId)) throw notYours();
    if (method !== 'GET' && method !== 'HEAD') checkBodyOwner(body, field, callerId, ctx, method !== 'PATCH');
    return;
  }
  if (target.id === undefined) {
    if (method === 'POST') return checkBodyOwner(body, field, callerId, ctx, true);
    // json-server drops a plain filter on a field no record has, and would then list everything; range
    // filters it always applies. Both bounds at the caller's id keep exactly the records whose owner is them.
    const query = req.query as Record<string, unknown>;
    query[`${field}_gte`] = callerId;
    query[`${field}_lte`] = callerId;
    return;
  }
  const record = findRecord(data[name], ctx.idField, target.id);
  if (!record) return; // json-server answers its own 404
  if (!isOwnedBy(record, field, callerId)) throw notYours();
  if (method === 'PUT' || method === 'PATCH') checkBodyOwner(body, field, callerId, ctx, method === 'PUT');
}
