import path from 'node:path';
import low, { type LowDb } from 'lowdb';
import { RuntimeError } from '../errors';
import { GroupCommitFile } from '../files/group-commit';
import { DbSerializer } from './serialize';
import { parseJson, readJsonText } from '../files/json-file';
import { versionOf, type FileVersion } from '../files/file-version';

export type Data = Record<string, unknown>;

/**
 * json-server's data behind a lowdb adapter of our own: the seam through which db.json is read and written.
 *
 * The accounts take part in relations as a `users` collection of public profiles (so `/users/1/posts` and
 * `_expand=user` work), which the server keeps in memory and refreshes when the accounts change:
 * - accounts in users.json, and no `users` in db.json: the collection is shown, and never written to db.json;
 *   an empty `"users": []` in db.json is taken for that place and written back empty;
 * - accounts in db.json's `users` (a json-server-auth project): json-server sees only the profiles, and db.json
 *   is written with the full accounts in their place, so json-server's data never holds password material.
 * db.json is written only for a change: never at start, and a hand edit is never written over (see DatabaseOptions).
 */
export interface Database {
  db: LowDb;
  /** The db file, or undefined for data held in memory only (a .js source, or an object from the library). */
  file?: string;
  /** True when `users` is the collection of account profiles: read-only, and POST /users registers. */
  accountsCollection: boolean;
  /** The state as db.json holds it. */
  persistedState(): Data;
  /** Shows the accounts' public profiles as the users collection. */
  setAccountProfiles(users: unknown[]): void;
  /** Where accounts live in db.json: the full records to write in place of the profiles; resolves once saved. */
  saveStoredAccounts(accounts: unknown[]): Promise<void>;
  /** Resolves once every change made so far is on disk; rejects when saving it failed. */
  settled(): Promise<void>;
  /** True when db.json on disk is the version this server last wrote or loaded. */
  fileIsOurs(): Promise<boolean>;
  /** How many times the data changed since start: what is built from it (the OpenAPI document) is built again when it moves. */
  changeCount(): number;
  /** A record was changed in place (PUT, PATCH): its text is made anew at the next write. */
  forgetRecord(record: object): void;
  /** Each write of db.json first waits for `before` (the id ledger, which must be on disk first). */
  writeAfter(before: () => Promise<void>): void;
  /**
   * Puts the data back as it was at start; resolves once that is on disk. The file gets its start text back byte
   * for byte, written only when something changed it.
   */
  resetToStart(): Promise<void>;
}

export interface DatabaseOptions {
  accountsHome: AccountsHome;
  /**
   * A hand edit of db.json always wins over the changes not yet saved, which fail with a FileChangedOnDiskError
   * (a 409). True (--watch): the caller reloads the app on the edit, so the error says to send the change again.
   * False: the edit is kept until a restart, every change fails saying so, and `onHandEdit` is called once for
   * each edited version.
   */
  reloadsOnEdit?: boolean;
  onHandEdit?: (file: string) => void;
}

/** Where the accounts live: users.json, or the users collection of db.json. */
export type AccountsHome = 'users-file' | 'db-collection';

export const USERS_COLLECTION = 'users';

function isPlainObject(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The checks json-server makes when it builds its router, made up front so the reason names the file. */
export function validateData(where: string, data: unknown): asserts data is Data {
  if (!isPlainObject(data)) {
    throw new RuntimeError(
      'ERR_DB_FILE',
      `${where}: the data must be an object of collections, like { "posts": [] } (found ${Array.isArray(data) ? 'an array' : typeof data})`,
    );
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema') continue;
    if (key.includes('/'))
      throw new RuntimeError('ERR_DB_FILE', `${where}: "${key}" has a / character, which json-server cannot serve; use a rewrite in routes.json to shape URLs`);
    if (!Array.isArray(value) && !isPlainObject(value)) {
      throw new RuntimeError(
        'ERR_DB_FILE',
        `${where}: "${key}" is ${value === null ? 'null' : typeof value}; json-server serves only arrays (collections) and objects (singular resources)`,
      );
    }
  }
}

/** A db file as read: its data, its text (what reset() writes back), and its version before the read. */
export interface LoadedData {
  data: Data;
  file?: string;
  text?: string;
  version?: FileVersion;
}

async function readJsonSource(file: string): Promise<LoadedData> {
  // A db json-server cannot serve is a run-time failure (exit 1), as json-server treats it.
  const fail = (message: string) => new RuntimeError('ERR_DB_FILE', message);
  // The stat comes first: an edit made during the read shows as an edit at the first write, never the reverse.
  const version = await versionOf(file);
  const text = await readJsonText(file, fail);
  if (text === undefined) throw fail(`${file}: the file does not exist`);
  const data = parseJson(file, text, fail);
  validateData(file, data);
  return { data, file, text, version };
}

/** A .js / .cjs source exports the data, or a (possibly async) function returning it, as json-server allows. */
async function readScriptSource(file: string): Promise<Data> {
  const resolved = path.resolve(file);
  delete require.cache[resolved];
  let exported: unknown;
  try {
    // json-server loads a .js db with require, and --watch deletes it from require.cache to load the edit.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module of the user's, by path
    exported = require(resolved) as unknown;
  } catch (error) {
    throw new RuntimeError('ERR_DB_FILE', `${file}: failed to load (${(error as Error).message})`);
  }
  if (isPlainObject(exported) && exported.__esModule === true && 'default' in exported) exported = exported.default;
  const data = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  validateData(file, data);
  return data;
}

export function isScriptSource(source: string): boolean {
  return /\.c?js$/i.test(source);
}

export async function loadData(source: string | Data): Promise<LoadedData> {
  if (typeof source !== 'string') {
    validateData('the db option', source);
    return { data: structuredClone(source) };
  }
  if (isScriptSource(source)) return { data: await readScriptSource(source) };
  return readJsonSource(source);
}

const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;

/**
 * Whether the `users` collection is the accounts' profiles: when db.json has none, or an empty one (a
 * json-server-auth template's `"users": []`, kept in the file as it is), or holds the accounts themselves.
 */
export function usersAreAccounts(data: Data, accountsHome: AccountsHome): boolean {
  return accountsHome === 'db-collection' || data[USERS_COLLECTION] === undefined || isEmptyList(data[USERS_COLLECTION]);
}

function handEditMessage(file: string, reloadsOnEdit: boolean | undefined): string {
  return reloadsOnEdit
    ? `${file} was edited while this change was being saved; the edit wins and the change was not saved. Send it again.`
    : `${file} was edited by hand while the server runs; the edit is kept and this change was not saved. Restart the server to serve the edit (or run it with --watch, which reloads on every edit).`;
}

/** db.json's state as written, from json-server's: its `users` key as the Database comment above says. */
function writtenState(data: Data, accountsHome: AccountsHome): (state: Data, storedAccounts: unknown) => Data {
  const storedInDb = accountsHome === 'db-collection';
  const accountsCollection = usersAreAccounts(data, accountsHome);
  const keepsEmptyUsers = !storedInDb && isEmptyList(data[USERS_COLLECTION]);
  return (state, storedAccounts) => {
    if (storedInDb) return { ...state, [USERS_COLLECTION]: storedAccounts };
    if (!accountsCollection) return state;
    // Spreading keeps the key's place in the file.
    if (keepsEmptyUsers) return { ...state, [USERS_COLLECTION]: [] };
    const { [USERS_COLLECTION]: _profiles, ...rest } = state;
    return rest;
  };
}

/** The writer of a db file (none for data held in memory): it knows the file as loaded, so a later edit shows. */
async function openWriter(
  loaded: LoadedData,
  text: () => string | Buffer,
  options: DatabaseOptions,
  beforeWrite: () => Promise<void>,
): Promise<GroupCommitFile | undefined> {
  const { file } = loaded;
  if (!file) return undefined;
  const noticed = options.reloadsOnEdit ? undefined : () => options.onHandEdit?.(file);
  const writer = new GroupCommitFile(file, text, { keepExternalEdits: { message: handEditMessage(file, options.reloadsOnEdit), noticed }, beforeWrite });
  await writer.adoptCurrentFile(loaded.version, loaded.text);
  return writer;
}

export async function openDatabase(loaded: LoadedData, options: DatabaseOptions): Promise<Database> {
  const { data, file } = loaded;
  const atStart = structuredClone(data);
  const accountsCollection = usersAreAccounts(data, options.accountsHome);
  const written = writtenState(data, options.accountsHome);
  let storedAccounts: unknown = data[USERS_COLLECTION];
  const persistedState = (): Data => written(db.getState(), storedAccounts);
  const serializer = new DbSerializer();
  let before: () => Promise<void> = () => Promise.resolve();
  const text = () => serializer.serialize(persistedState(), '\n');
  const writer = await openWriter(loaded, text, options, () => before());
  /** True once a change was asked to be saved since start (or the last reset): reset() then writes the start text. */
  let [changedSinceStart, changes] = [false, 0];
  const commit = () => {
    changedSinceStart = true;
    changes += 1;
    return writer?.commit() ?? Promise.resolve();
  };
  const db = low({
    // Profiles replace the accounts before json-server ever sees the data (spreading keeps the key's place).
    read: () => (accountsCollection ? { ...data, [USERS_COLLECTION]: [] } : data),
    // json-server calls db.write() after each change, without waiting: the response waits on settled() instead
    // (app/), and a failure reaches the client there.
    write: () => {
      commit().catch(() => undefined);
    },
  });
  return {
    db,
    file,
    accountsCollection,
    persistedState,
    setAccountProfiles(users) {
      changes += 1;
      if (accountsCollection) db.set(USERS_COLLECTION, users).value();
    },
    changeCount: () => changes,
    async saveStoredAccounts(accounts) {
      const previous = storedAccounts;
      storedAccounts = accounts;
      try {
        await commit();
      } catch (error) {
        // Not saved (a hand edit of db.json wins: FileChangedOnDiskError): the accounts stay as they were, in memory too.
        if (storedAccounts === accounts) storedAccounts = previous;
        throw error;
      }
    },
    settled: () => writer?.settled() ?? Promise.resolve(),
    fileIsOurs: async () => (writer ? writer.isOurs() : true),
    forgetRecord: (record) => serializer.forget(record),
    writeAfter: (wait) => void (before = wait),
    async resetToStart() {
      changes += 1;
      const profiles = db.getState()[USERS_COLLECTION];
      db.setState(accountsCollection ? { ...structuredClone(atStart), [USERS_COLLECTION]: profiles } : structuredClone(atStart));
      storedAccounts = structuredClone(atStart[USERS_COLLECTION]);
      if (!writer || loaded.text === undefined) return;
      // The file as it was read, byte for byte: a test suite's fixture is never reformatted, and when nothing
      // changed (and no hand edit happened) it is not even written.
      if (!changedSinceStart && (await writer.isOurs())) return;
      changedSinceStart = false;
      await writer.restore(loaded.text);
    },
  };
}
