import type { LowDb } from 'lowdb';
import type { IdLedger } from './ids';

type Doc = Record<string, unknown>;

interface LodashWithIds {
  __id(): string;
  createId(collection: Doc[]): unknown;
  mixin(source: Record<string, (...args: never[]) => unknown>): void;
}

export interface DataLayerOptions {
  ledger: IdLedger;
  /** The collection's name, for the ledger: json-server hands the mixins the array only. */
  collectionName(collection: Doc[]): string | undefined;
  /** A record changed in place: its cached bytes (see serialize.ts) must be made anew. */
  changed(record: object): void;
}

/** lodash-id compares ids by their string form; a record without one, or a missing id, matches nothing. */
function sameId(record: unknown, idField: string, id: unknown): boolean {
  if (record === null || typeof record !== 'object' || id === undefined || id === null) return false;
  const value = (record as Doc)[idField];
  return value !== undefined && value !== null && String(value) === String(id);
}

function indexOfId(collection: Doc[], idField: string, id: unknown): number {
  for (let index = 0; index < collection.length; index++) if (sameId(collection[index], idField, id)) return index;
  return -1;
}

/** Copies own enumerable keys, one by one: never lodash's `forEach`, which takes a record with a numeric `length` for an array. */
function assignOwn(target: Doc, source: Doc): void {
  for (const key of Object.keys(source)) target[key] = source[key];
}

/**
 * Every way json-server changes or looks up a record goes through lodash-id's mixins: `getById`, `insert`,
 * `updateById`, `replaceById` and `removeById`. They run lodash collection helpers over the record itself, which
 * treat any object with a numeric `length` as an array of that many items (`{ "length": 1e8 }` blocked the server
 * for seconds; 2^53 - 1 forever), and `getById` throws on a record whose foreign key is missing (`_expand`).
 * Here they are plain loops over the record's own keys, so a change costs what its real keys cost, and they are
 * where the two things every change must do happen:
 * - the record's cached bytes are dropped at the moment it changes, not earlier (a db.json write in between would
 *   cache the old text for good);
 * - ids come from the ledger (never one given before), and a deleted record's id is retired.
 *
 * lodash calls json-server makes over client data that stay are safe on such records: `_.get`, `_.has`,
 * `_.cloneDeep` and `_.assign` read own keys; `filter`, `orderBy`, `find`, `maxBy` and `size` run over collections,
 * which are real arrays; the singular resources' `assign` copies the body's own keys.
 */
export function installDataLayer(db: LowDb, options: DataLayerOptions): void {
  const lodash = db._ as unknown as LodashWithIds;
  const { ledger, collectionName, changed } = options;
  const idField = () => lodash.__id();

  /** PATCH (`attrs` over the record) or PUT (`attrs` instead of it): the record keeps its id, and its cached bytes go. */
  function changeInPlace(collection: Doc[], id: unknown, attrs: Doc, replace: boolean): Doc | undefined {
    const field = idField();
    const doc = collection[indexOfId(collection, field, id)];
    if (!doc) return undefined;
    const docId = doc[field];
    if (replace) for (const key of Object.keys(doc)) delete doc[key];
    assignOwn(doc, attrs);
    doc[field] = docId;
    changed(doc);
    return doc;
  }

  lodash.mixin({
    getById(collection: Doc[], id: unknown) {
      const index = indexOfId(collection, idField(), id);
      return index === -1 ? undefined : collection[index];
    },

    insert(collection: Doc[], doc: Doc) {
      const field = idField();
      const name = collectionName(collection) ?? '';
      if (!doc[field]) {
        let id = ledger.nextNumericId(name, collection) ?? lodash.createId(collection);
        // A random string id (json-server's nanoid) that was ever used or retired is drawn again.
        while (typeof id === 'string' && (ledger.isRetired(name, id) || indexOfId(collection, field, id) !== -1)) id = lodash.createId(collection);
        doc[field] = id;
      }
      if (indexOfId(collection, field, doc[field]) !== -1) throw new Error('Insert failed, duplicate id');
      collection.push(doc);
      return doc;
    },

    updateById: (collection: Doc[], id: unknown, attrs: Doc) => changeInPlace(collection, id, attrs, false),
    replaceById: (collection: Doc[], id: unknown, attrs: Doc) => changeInPlace(collection, id, attrs, true),

    removeById(collection: Doc[], id: unknown) {
      const index = indexOfId(collection, idField(), id);
      if (index === -1) return undefined;
      const doc = collection[index];
      const name = collectionName(collection);
      if (name !== undefined) ledger.retire(name, doc[idField()], collection);
      collection.splice(index, 1);
      return doc;
    },
  });
}
