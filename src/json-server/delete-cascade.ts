import pluralize from 'pluralize';
import type { LowDb } from 'lowdb';

type Doc = Record<string, unknown>;

/** A record that points at another through a foreign key (`postId` at a post). */
export interface Dependent {
  collection: string;
  record: Doc;
}

/**
 * The records of any collection whose foreign key names the record `id` of `collection`: the comments of a post
 * (`postId`, following --fks). What a DELETE of that record removes with it.
 */
export function findDependents(state: Record<string, unknown>, collection: string, id: unknown, foreignKeySuffix: string): Dependent[] {
  const dependents: Dependent[] = [];
  const wanted = String(id);
  for (const [name, records] of Object.entries(state)) {
    if (!Array.isArray(records)) continue;
    for (const record of records as Doc[]) {
      if (record === null || typeof record !== 'object') continue;
      const pointsAtIt = Object.keys(record).some(
        (key) =>
          key.endsWith(foreignKeySuffix) &&
          key.length > foreignKeySuffix.length &&
          pluralize.plural(key.slice(0, -foreignKeySuffix.length)) === collection &&
          String(record[key]) === wanted,
      );
      if (pointsAtIt) dependents.push({ collection: name, record });
    }
  }
  return dependents;
}

/** Which records a DELETE's cascade may remove: the gate says, for the request being served. */
export type CascadeFilter = (dependent: Dependent) => boolean;

/** Which dependents the DELETE being served may remove; set by the gate around json-server's (synchronous) step. */
export class DeleteCascade {
  mayRemove: CascadeFilter = () => true;

  /** Runs json-server's DELETE with its cascade limited to the dependents `mayRemove` allows. */
  limitedTo(mayRemove: CascadeFilter, run: () => void): void {
    this.mayRemove = mayRemove;
    try {
      run();
    } finally {
      this.mayRemove = () => true;
    }
  }
}

/**
 * json-server's DELETE removes the record, then every record *anywhere* whose foreign key points at nothing,
 * including ones that pointed at nothing long before (a post whose userId names no account, say). Here the
 * cascade removes only the records that pointed at the one deleted: the same for a tidy db, and no surprise
 * data loss for one that is not. It replaces json-server's `getRemovable` mixin on our own lowdb instance, and
 * wraps the data layer's `removeById` (install it after data-layer.ts).
 */
export function limitDeleteCascade(
  db: LowDb,
  foreignKeySuffix: string,
  collectionName: (collection: Doc[]) => string | undefined,
  cascade: DeleteCascade,
): void {
  const lodash = db._ as unknown as {
    removeById(collection: Doc[], id: unknown): Doc | undefined;
    mixin(source: Record<string, (...args: never[]) => unknown>): void;
    __id(): string;
  };
  const removeById = lodash.removeById.bind(lodash);
  let lastRemoval: { collection: string; id: unknown } | undefined;

  lodash.mixin({
    removeById(collection: Doc[], id: unknown) {
      const name = collectionName(collection);
      const removed = removeById(collection, id);
      lastRemoval = removed && name ? { collection: name, id: removed[lodash.__id()] } : undefined;
      return removed;
    },
    // json-server calls this right after removeById, in the same tick.
    getRemovable(state: Record<string, unknown>) {
      const removal = lastRemoval;
      lastRemoval = undefined;
      if (!removal) return [];
      return findDependents(state, removal.collection, removal.id, foreignKeySuffix)
        .filter((dependent) => cascade.mayRemove(dependent))
        .map(({ collection, record }) => ({ name: collection, id: record[lodash.__id()] }));
    },
  });
}
