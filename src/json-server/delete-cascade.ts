import pluralize from 'pluralize';
import type { LowDb } from 'lowdb';

interface Removal {
  collection: string;
  id: unknown;
}

type Doc = Record<string, unknown>;

/**
 * json-server's DELETE removes the record, then every record *anywhere* whose foreign key points at nothing,
 * including ones that pointed at nothing long before (a post whose userId names no account, say). Here the
 * cascade removes only the records that pointed at the one deleted: the same for a tidy db, and no surprise
 * data loss for one that is not. It replaces json-server's `getRemovable` mixin on our own lowdb instance.
 */
export function limitDeleteCascade(db: LowDb, foreignKeySuffix: string): void {
  const lodash = db._ as unknown as {
    removeById(collection: Doc[], id: unknown): Doc | undefined;
    mixin(source: Record<string, (...args: never[]) => unknown>): void;
    __id(): string;
  };
  const removeById = lodash.removeById.bind(lodash);
  let lastRemoval: Removal | undefined;

  lodash.mixin({
    removeById(collection: Doc[], id: unknown) {
      const removed = removeById(collection, id);
      const state = db.getState();
      const name = Object.keys(state).find((key) => state[key] === collection);
      lastRemoval = removed && name ? { collection: name, id: removed[lodash.__id()] } : undefined;
      return removed;
    },
    // json-server calls this right after removeById, in the same tick.
    getRemovable(state: Record<string, unknown>) {
      const removal = lastRemoval;
      lastRemoval = undefined;
      if (!removal) return [];
      const dependents: Array<{ name: string; id: unknown }> = [];
      for (const [name, collection] of Object.entries(state)) {
        if (!Array.isArray(collection)) continue;
        for (const doc of collection as Doc[]) {
          const pointsAtRemoved = Object.entries(doc ?? {}).some(
            ([key, value]) =>
              key.endsWith(foreignKeySuffix) &&
              pluralize.plural(key.slice(0, -foreignKeySuffix.length)) === removal.collection &&
              String(value) === String(removal.id),
          );
          if (pointsAtRemoved) dependents.push({ name, id: doc[lodash.__id()] });
        }
      }
      return dependents;
    },
  });
}
