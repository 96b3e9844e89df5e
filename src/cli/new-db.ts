import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, RuntimeError } from '../errors';
import { isScriptSource } from '../json-server/database';
import { writeStarterFiles } from './starter';

/** Extensions a db can have (data, or a script exporting it): the only files a typo is measured against. */
const DB_EXTENSIONS = new Set(['.json', '.js', '.cjs']);
/** Files beside a db that are not one. */
const NOT_A_DB = new Set(['users.json', 'routes.json', 'package.json', 'package-lock.json', 'tsconfig.json', 'json-server.json']);

/** Levenshtein distance between `a` and `b`, or `limit + 1` once it is certainly more than `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...row) > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length];
}

const withoutExtension = (name: string) => name.slice(0, name.length - path.extname(name).length);
const withoutDigits = (name: string) => name.replace(/\d+/g, '');

/**
 * Whether `typed`, a name with no file, is a slip for `existing`: the same name in other letter case or with
 * another extension (`db.jsn`, `db.JSON`, `db`), or one or two edits from it (`dbs.json`). A name that differs
 * only in its digits (`db2.json` beside `db.json`) is a new one.
 */
export function isSlipFor(typed: string, existing: string): boolean {
  const [a, b] = [typed.toLowerCase(), existing.toLowerCase()];
  if (a === b || withoutExtension(a) === withoutExtension(b)) return true;
  if (withoutDigits(a) === withoutDigits(b)) return false;
  return editDistance(a, b, 2) <= 2;
}

/** A db-like file in `folder` whose name `name` (which does not exist) is a slip for; the closest first. */
export function closeDbName(folder: string, name: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(folder, { withFileTypes: true })
      .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
      .map((entry) => entry.name);
  } catch {
    return undefined; // no folder yet: every name in it is new
  }
  const candidates = entries.filter(
    (entry) => DB_EXTENSIONS.has(path.extname(entry).toLowerCase()) && !NOT_A_DB.has(entry.toLowerCase()) && isSlipFor(name, entry),
  );
  return candidates.sort((x, y) => editDistance(name, x, 99) - editDistance(name, y, 99))[0];
}

/**
 * The db the command line was given does not exist. A name close to an existing file is a typo, not a new db
 * (exit 2: `fake-jwt-api db.jsn` would otherwise write example data to db.jsn); a script cannot be made up (exit 1,
 * as json-server). Otherwise the name is plausibly new, and the starter files will be written. Writes nothing.
 */
export function refuseUnlikelyNewDb(db: string): void {
  const file = path.resolve(db);
  const close = closeDbName(path.dirname(file), path.basename(file));
  if (close !== undefined) {
    const suggestion = path.join(path.dirname(db), close);
    throw new ConfigError(
      'ERR_USAGE',
      `${db} does not exist: did you mean ${suggestion}? To start a new db under this name, create the file first (echo {} > ${db}).`,
    );
  }
  if (isScriptSource(db)) throw new RuntimeError('ERR_DB_FILE', `${db}: the file does not exist`);
}

/**
 * Writes the starter files beside a new `dbFile` (none when it is undefined) and runs `start`. When `start` fails,
 * the files and folders written are removed again: a failed start leaves the disk as it was. Returns the files written.
 */
export async function withStarterFiles(dbFile: string | undefined, start: () => Promise<void>): Promise<string[]> {
  if (dbFile === undefined || existsSync(dbFile)) {
    await start();
    return [];
  }
  const folder = path.dirname(dbFile);
  const firstCreated = await mkdir(folder, { recursive: true });
  const written = await writeStarterFiles(folder, { 'db.json': path.basename(dbFile), 'users.json': 'users.json', 'routes.json': 'routes.json' });
  try {
    await start();
  } catch (error) {
    await Promise.all(written.map((file) => unlink(file).catch(() => undefined)));
    for (let dir = folder; firstCreated !== undefined && dir.startsWith(firstCreated); dir = path.dirname(dir)) {
      await rmdir(dir).catch(() => undefined); // only when empty
    }
    throw error;
  }
  return written;
}
