import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DomainError } from '../errors';
import { toJsonText } from '../files/atomic';
import { GroupCommitFile } from '../files/group-commit';
import { readJsonFile } from '../files/json-file';

type Doc = Record<string, unknown>;

/** What ids.json keeps for one db file: per collection, the greatest numeric id ever seen, and deleted string ids. */
interface LedgerContent {
  db: string;
  highWater: Record<string, number>;
  retired: Record<string, string[]>;
}

const INTEGER_TEXT = /^-?\d+$/;

/** An id as a whole number, when it is one: `7`, or `"7"`, which the URL /x/7 reaches as well. */
function asWholeNumber(id: unknown): number | undefined {
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : undefined;
  if (typeof id === 'string' && INTEGER_TEXT.test(id)) {
    const value = Number(id);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}

/**
 * One pass over a collection's ids: the greatest that is a whole number, or its text ("7": both take the URL /x/7),
 * and whether any is a number (json-server's createId then counts up rather than making a random string).
 */
function scanIds(records: readonly unknown[], idField: string): { greatest: number | undefined; anyNumber: boolean } {
  let greatest: number | undefined;
  let anyNumber = false;
  for (const record of records) {
    const raw = (record as Doc | null)?.[idField];
    if (typeof raw === 'number') anyNumber = true;
    const id = asWholeNumber(raw);
    if (id !== undefined && (greatest === undefined || id > greatest)) greatest = id;
  }
  return { greatest, anyNumber };
}

const greatestWholeId = (records: readonly unknown[], idField: string) => scanIds(records, idField).greatest;

/**
 * Ids are never given twice. json-server's next id is max + 1, so deleting the newest record frees its id for the
 * next create, and any reference still held to it (a delayed request, a link, a cached page) would reach someone
 * else's record. The ledger remembers, per collection, the greatest numeric id it has seen, and the string ids of
 * deleted records; new ids go above the first, and a client may not name an id from either.
 *
 * For a db file it is kept in the state folder (`ids.json`), written before db.json at each delete and at shutdown,
 * so a restart, even after records were removed by hand, does not hand out a used id again.
 */
export class IdLedger {
  private highWater = new Map<string, number>();
  private retired = new Map<string, Set<string>>();
  private atStart: LedgerContent = { db: '', highWater: {}, retired: {} };
  private readonly file: GroupCommitFile | undefined;

  private constructor(
    private readonly idField: string,
    private readonly ledgerFile: string | undefined,
    private readonly dbName: string,
  ) {
    this.file = ledgerFile ? new GroupCommitFile(ledgerFile, () => toJsonText(this.content()), { mode: 0o600 }) : undefined;
  }

  /** Loads the ledger of `dbFile` (none for data held in memory) and raises it to what `data` holds now. */
  static async open(ledgerFile: string | undefined, dbFile: string | undefined, data: Doc, idField: string): Promise<IdLedger> {
    const dbName = dbFile && ledgerFile ? path.relative(path.dirname(path.dirname(ledgerFile)), dbFile) : '';
    const ledger = new IdLedger(idField, dbFile ? ledgerFile : undefined, dbName);
    if (ledger.ledgerFile) {
      const stored = await readJsonFile(
        ledger.ledgerFile,
        () => new Error('unreadable'),
        () => undefined,
      ).catch(() => undefined);
      ledger.load(stored);
    }
    const changed = ledger.observeAll(data);
    ledger.atStart = ledger.content();
    if (changed && ledger.ledgerFile) {
      await mkdir(path.dirname(ledger.ledgerFile), { recursive: true, mode: 0o700 });
      await ledger.file?.commit();
    }
    return ledger;
  }

  /** Believes only well-formed entries of a ledger written for this same db file: a hand edit cannot break a start. */
  private load(stored: unknown): void {
    if (stored === null || typeof stored !== 'object') return;
    const content = stored as Partial<LedgerContent>;
    if (content.db !== this.dbName) return;
    for (const [name, value] of Object.entries(content.highWater ?? {})) {
      if (typeof value === 'number' && Number.isSafeInteger(value)) this.highWater.set(name, value);
    }
    for (const [name, ids] of Object.entries(content.retired ?? {})) {
      if (Array.isArray(ids)) this.retired.set(name, new Set(ids.filter((id): id is string => typeof id === 'string')));
    }
  }

  private content(): LedgerContent {
    const retired: Record<string, string[]> = {};
    for (const [name, ids] of this.retired) if (ids.size > 0) retired[name] = [...ids];
    return { db: this.dbName, highWater: Object.fromEntries(this.highWater), retired };
  }

  /** Raises each collection's mark to its greatest numeric id; true when any mark rose. */
  observeAll(state: Doc): boolean {
    let changed = false;
    for (const [name, records] of Object.entries(state)) {
      if (Array.isArray(records)) changed = this.observe(name, greatestWholeId(records, this.idField)) || changed;
    }
    return changed;
  }

  private observe(collection: string, id: number | undefined): boolean {
    if (id === undefined) return false;
    const mark = this.highWater.get(collection);
    if (mark !== undefined && mark >= id) return false;
    this.highWater.set(collection, id);
    return true;
  }

  /**
   * The id json-server's createId would give, but above every id the collection ever had: undefined when the
   * collection's ids are not numbers (json-server then makes a random string id).
   */
  nextNumericId(collection: string, records: readonly unknown[]): number | undefined {
    const { greatest, anyNumber } = scanIds(records, this.idField);
    if (records.length > 0 && !anyNumber) return undefined;
    return Math.max(greatest ?? 0, this.highWater.get(collection) ?? 0) + 1;
  }

  /** True when a string id was given to a record of the collection that has since been deleted. */
  isRetired(collection: string, id: string): boolean {
    return this.retired.get(collection)?.has(id) ?? false;
  }

  /**
   * A client may name a new record's id, but only one nobody ever had: a safe integer above the collection's mark,
   * or a non-empty string not used before. `0` is json-server's "no id" (it assigns one), and stays so.
   */
  checkClientId(collection: string, id: unknown): void {
    if (id === undefined || id === 0) return;
    const isString = typeof id === 'string' && id !== '';
    if (!isString && !(typeof id === 'number' && Number.isSafeInteger(id))) {
      throw new DomainError(
        'ERR_RECORD_ID_INVALID',
        `"${this.idField}" must be a whole number (a safe integer) or a non-empty string; leave it out to have one assigned.`,
      );
    }
    const mark = this.highWater.get(collection);
    const asNumber = asWholeNumber(id);
    if (asNumber !== undefined && mark !== undefined && asNumber <= mark) {
      throw new DomainError(
        'ERR_RECORD_ID_USED',
        `That ${collection} id is taken or was used before, and ids are never given twice; leave "${this.idField}" out to have one assigned.`,
      );
    }
    if (this.isRetired(collection, String(id))) {
      throw new DomainError(
        'ERR_RECORD_ID_USED',
        `${collection} had a record with the id ${JSON.stringify(id)}, deleted since; ids are never given twice, so leave "${this.idField}" out to have one assigned.`,
      );
    }
  }

  /**
   * A record is being deleted from a collection that still holds `records` (the deleted one among them): its id
   * must never come back. Saved before db.json is (see `settled`).
   */
  retire(collection: string, id: unknown, records: readonly unknown[]): void {
    let changed = this.observe(collection, greatestWholeId(records, this.idField));
    if (typeof id === 'string' && asWholeNumber(id) === undefined) {
      const ids = this.retired.get(collection) ?? new Set<string>();
      this.retired.set(collection, ids);
      if (!ids.has(id)) {
        ids.add(id);
        changed = true;
      }
    }
    if (changed) this.file?.commit().catch(() => undefined);
  }

  /** Resolves once the ledger's changes are on disk: db.json waits for it before each write. */
  settled(): Promise<void> {
    return this.file?.settled() ?? Promise.resolve();
  }

  /** At shutdown: remembers ids created during this run, so a hand deletion while stopped cannot free them. */
  async saveMarks(state: Doc): Promise<void> {
    if (this.observeAll(state)) await this.file?.commit();
    await this.settled();
  }

  /** Back to the marks of the start, so a test suite's ids repeat after reset(). */
  async resetToStart(): Promise<void> {
    this.highWater = new Map(Object.entries(this.atStart.highWater));
    this.retired = new Map(Object.entries(this.atStart.retired).map(([name, ids]) => [name, new Set(ids)]));
    await this.file?.commit();
  }
}
