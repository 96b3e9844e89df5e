import { forbidden } from '../errors';
import { USERS_COLLECTION } from '../json-server/database';

/** Where ownership is read and written: the data, the id property, and each resource's owner field. */
export interface OwnershipContext {
  data(): Record<string, unknown>;
  idField: string;
  /** `userId` (following --fks), or the id itself for the users collection. */
  ownerField(resource: string): string;
  /** The caller's id with its type in users.json (2, not "2"), to stamp into records. */
  accountId(callerId: string): string | number;
}

type DataRecord = Record<string, unknown>;

/** README "Access rules": the owner field is userId (following --fks); for the users collection, the record's own id. */
export const makeOwnerField = (idField: string, foreignKeySuffix: string) => (resource: string) =>
  resource === USERS_COLLECTION ? idField : `user${foreignKeySuffix}`;

const isRecord = (value: unknown): value is DataRecord => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A record belongs to the caller when its owner field names them; a record without one belongs to nobody. */
export function isOwnedBy(record: unknown, field: string, callerId: string): boolean {
  if (!isRecord(record)) return false;
  const owner = record[field];
  return (typeof owner === 'string' || typeof owner === 'number') && String(owner) === callerId;
}

export function findRecord(collection: unknown, idField: string, id: string): DataRecord | undefined {
  if (!Array.isArray(collection)) return undefined;
  // As lodash-id's getById compares: by the id's string form.
  return collection.find(
    (record): record is DataRecord => isRecord(record) && record[idField] !== undefined && record[idField] !== null && String(record[idField]) === id,
  );
}

export const notYours = () => forbidden('This record belongs to someone else; the rule lets you use only your own.');

/** How a write treats the record's owner: a new record, a whole replacement, or a change of some fields. */
export type OwnerWrite = { kind: 'create' } | { kind: 'replace' | 'patch'; current: DataRecord | undefined };

/**
 * A write to a resource whose records have owners, by a caller who may not write every record: a new record is
 * stamped with the caller's id (or refused if it names someone else), and a change keeps the record's owner (a
 * replacement without the field keeps it; naming anyone else hands the record over, and is refused).
 */
export function guardOwnerField(body: DataRecord, field: string, write: OwnerWrite, callerId: string | undefined, ctx: OwnershipContext): void {
  const given = body[field];
  if (write.kind === 'create') {
    if (given === undefined) {
      if (callerId !== undefined) body[field] = ctx.accountId(callerId);
      return;
    }
    if (callerId === undefined || String(given) !== callerId) {
      throw forbidden(`"${field}" must be your own id: a record cannot be created for someone else.`);
    }
    body[field] = ctx.accountId(callerId);
    return;
  }
  const current = write.current?.[field];
  if (given === undefined) {
    if (write.kind === 'replace' && current !== undefined) body[field] = current;
    return;
  }
  if (current === undefined || current === null || String(given) !== String(current)) {
    throw forbidden(`"${field}" names the record's owner, which you cannot change: a record cannot be handed to someone else.`);
  }
  body[field] = current;
}
