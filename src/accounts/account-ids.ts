import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from '../files/atomic';
import { withFileLock } from '../files/file-lock';
import { readJsonFile } from '../files/json-file';
import { ensureStateDir } from '../state/state-dir';

/** What account-ids.json keeps. */
export interface AccountIdMarks {
  /** The greatest numeric account id ever used. */
  highest: number;
  /**
   * The ids given to accounts the accounts file holds without an `id` (hand-written demo entries), by email as
   * compared (accounts-file.ts emailKey): the file is never rewritten to add them, and they stay the same across
   * restarts, reorderings and other hand edits.
   */
  byEmail: Record<string, string | number>;
  /**
   * Every string id an account has held (numeric ones are below `highest`): a trusted identity provider's caller
   * whose `sub` is one never gets the records of an account deleted since (README "Use your own identity
   * provider"). Left out of the file while there are none.
   */
  stringIds?: string[];
}

const NO_MARKS: AccountIdMarks = { highest: 0, byEmail: {} };

/**
 * The account ids, so an id is never handed out twice: the greatest numeric one ever seen (not reused after a
 * deletion through the API, nor after one by hand while the server was down: another account with Bob's id would
 * own Bob's records), and the ids given to entries without one. Kept in the state folder, shared with
 * `fake-jwt-api users add` and `token`, and changed only under the file's lock; without a file (accounts given in
 * code) kept in memory.
 */
export class AccountIdMark {
  /** The marks this process has seen: they stay even if the file is deleted meanwhile. */
  private known: AccountIdMarks = NO_MARKS;

  constructor(private readonly file?: string) {}

  /** The marks as any process has written them, raised to what this process has seen. Writes nothing. */
  async read(): Promise<AccountIdMarks> {
    this.known = merged(this.known, await this.readFile());
    return this.known;
  }

  /**
   * Changes the marks as one step between processes: `change` gets them as they are now, under the file's lock,
   * and returns them as they should be (never lower), which are saved when they differ from the file's.
   */
  async update<T>(change: (marks: AccountIdMarks) => Promise<{ marks: AccountIdMarks; result: T }>): Promise<T> {
    const file = this.file;
    if (file === undefined) {
      const { marks, result } = await change(this.known);
      this.known = marks;
      return result;
    }
    await ensureStateDir(path.dirname(file));
    return withFileLock(file, async () => {
      const onDisk = await this.readFile();
      const { marks, result } = await change(merged(this.known, onDisk));
      this.known = marks;
      if (!isDeepStrictEqual(marks, onDisk)) await writeJsonAtomic(file, marks, 0o600);
      return result;
    });
  }

  /**
   * Picks the next id with `pick` (given the greatest used) and raises the mark to it, as one step between
   * processes: two registrations, here and in `users add`, never get one id.
   */
  claim<T extends string | number>(pick: (highest: number) => T): Promise<T> {
    return this.update(async (marks) => {
      const picked = pick(marks.highest);
      return { marks: { ...marks, highest: typeof picked === 'number' ? Math.max(marks.highest, picked) : marks.highest }, result: picked };
    });
  }

  /** Puts the marks back to `marks`, lower or not: for reset(), which puts the accounts back as well. */
  async resetTo(marks: AccountIdMarks): Promise<void> {
    this.known = marks;
    if (this.file !== undefined) await writeJsonAtomic(this.file, marks, 0o600);
  }

  private async readFile(): Promise<AccountIdMarks> {
    if (this.file === undefined) return NO_MARKS;
    const fail = (message: string) => new ConfigError('ERR_STATE_FILE', `${message}; delete it to count from the ids in the accounts file again`);
    const content = (await readJsonFile(this.file, fail, () => NO_MARKS)) as Partial<AccountIdMarks> | null;
    const highest = content?.highest;
    const byEmail = content?.byEmail ?? {};
    const isIdMap =
      byEmail !== null &&
      typeof byEmail === 'object' &&
      !Array.isArray(byEmail) &&
      Object.values(byEmail).every((id) => typeof id === 'string' || typeof id === 'number');
    const stringIds = content?.stringIds;
    const isIdList = stringIds === undefined || (Array.isArray(stringIds) && stringIds.every((id) => typeof id === 'string'));
    if (typeof highest !== 'number' || !Number.isFinite(highest) || !isIdMap || !isIdList) {
      throw fail(`${this.file}: expected { "highest": <the greatest account id ever used>, "byEmail": { <email>: <id> }, "stringIds"?: [<id>] }`);
    }
    return { highest, byEmail, ...(stringIds?.length ? { stringIds } : {}) };
  }

  /** The marks as this process last saw them, without reading the file: for the check every trusted token makes. */
  get seen(): AccountIdMarks {
    return this.known;
  }
}

/** The marks of both: the greater `highest`, every id given (the file's, where both name an email), every string id. */
function merged(known: AccountIdMarks, onDisk: AccountIdMarks): AccountIdMarks {
  return withStringIds({ highest: Math.max(known.highest, onDisk.highest), byEmail: { ...known.byEmail, ...onDisk.byEmail } }, [
    ...(known.stringIds ?? []),
    ...(onDisk.stringIds ?? []),
  ]);
}

/** The marks with these string ids added to theirs (sorted, once each; no key at all while there are none). */
export function withStringIds(marks: AccountIdMarks, ids: readonly string[]): AccountIdMarks {
  const { stringIds: before = [], ...rest } = marks;
  const all = [...new Set([...before, ...ids])].sort();
  return all.length > 0 ? { ...rest, stringIds: all } : rest;
}
