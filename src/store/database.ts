import path from 'node:path';
import low, { type LowDb } from 'lowdb';
import { RuntimeError } from '../errors';
import { writeJsonAtomicSync } from './atomic';
import { readJsonFile } from './json-file';

export type Data = Record<string, unknown>;

/**
 * json-server's data behind a lowdb adapter of our own: the seam through which db.json is read and written.
 *
 * When the accounts live in users.json and db.json has no `users` collection, the accounts' public profiles are
 * served as a read-only `users` collection (so `/users/1/posts` and `_expand=user` work). That collection is
 * *virtual*: it is kept in memory, refreshed when the accounts change, and never written into db.json.
 */
export interface Database {
  db: LowDb;
  /** The db file, or undefined for data held in memory only (a .js source, or an object from the library). */
  file?: string;
  /** True when `users` is the virtual collection of account profiles. */
  virtualUsers: boolean;
  /** The state as db.json holds it: without the virtual collection. */
  persistedState(): Data;
  setVirtualUsers(users: unknown[]): void;
}

export const USERS_COLLECTION = 'users';

function isPlainObject(value: unknown): value is Data {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The checks json-server makes when it builds its router, made up front so the reason names the file. */
export function validateData(where: string, data: unknown): asserts data is Data {
  if (!isPlainObject(data)) {
    throw new RuntimeError(`${where}: the data must be an object of collections, like { "posts": [] } (found ${Array.isArray(data) ? 'an array' : typeof data})`);
  }
  for (const [key, value] of Object.entries(data)) {
    if (key === '$schema') continue;
    if (key.includes('/')) throw new RuntimeError(`${where}: "${key}" has a / character, which json-server cannot serve; use a rewrite in routes.json to shape URLs`);
    if (!Array.isArray(value) && !isPlainObject(value)) {
      throw new RuntimeError(`${where}: "${key}" is ${value === null ? 'null' : typeof value}; json-server serves only arrays (collections) and objects (singular resources)`);
    }
  }
}

async function readJsonSource(file: string): Promise<Data> {
  // A db json-server cannot serve is a run-time failure (exit 1), as json-server treats it.
  const data = await readJsonFile(file, (message) => new RuntimeError(message));
  validateData(file, data);
  return data;
}

/** A .js / .cjs source exports the data, or a (possibly async) function returning it, as json-server allows. */
async function readScriptSource(file: string): Promise<Data> {
  const resolved = path.resolve(file);
  delete require.cache[resolved];
  let exported: unknown;
  try {
    exported = require(resolved) as unknown;
  } catch (error) {
    throw new RuntimeError(`${file}: failed to load (${(error as Error).message})`);
  }
  if (isPlainObject(exported) && exported.__esModule === true && 'default' in exported) exported = exported.default;
  const data = typeof exported === 'function' ? await (exported as () => unknown)() : exported;
  validateData(file, data);
  return data;
}

export function isScriptSource(source: string): boolean {
  return /\.c?js$/i.test(source);
}

export async function loadData(source: string | Data): Promise<{ data: Data; file?: string }> {
  if (typeof source !== 'string') {
    validateData('the db option', source);
    return { data: structuredClone(source) };
  }
  if (isScriptSource(source)) return { data: await readScriptSource(source) };
  return { data: await readJsonSource(source), file: source };
}

export function openDatabase(data: Data, file: string | undefined, serveAccountsAsUsers: boolean): Database {
  const virtualUsers = serveAccountsAsUsers && !(USERS_COLLECTION in data);
  const persistedState = (): Data => {
    const state = db.getState();
    if (!virtualUsers) return state;
    const { [USERS_COLLECTION]: _users, ...rest } = state;
    return rest;
  };
  const db = low({
    read: () => (virtualUsers ? { ...data, [USERS_COLLECTION]: [] } : data),
    // json-server calls db.write() after each change and answers once it returns: the data is then on disk.
    write: () => {
      if (file) writeJsonAtomicSync(file, persistedState());
    },
  });
  return {
    db,
    file,
    virtualUsers,
    persistedState,
    setVirtualUsers(users) {
      if (virtualUsers) db.set(USERS_COLLECTION, users).value();
    },
  };
}
