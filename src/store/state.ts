import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from '../files/atomic';
import { withFileLock } from '../files/file-lock';
import { readJsonFile } from '../files/json-file';

/**
 * The server's own state: the signing secret, the sessions and revocations (sessions.ts), the account ids, the
 * record-id ledger (json-server/ids.ts) and the locks. It lives in one folder, a dot-folder beside users.json
 * unless --state-dir / `stateDir` moves it; express.static never serves it, and it survives restarts so tokens do.
 */
export const STATE_DIR_NAME = '.fake-jwt-api';
const MIN_SECRET_BYTES = 32;
const GENERATED_SECRET_BYTES = 48;

/** Where each state file lives, in the state folder `dir`. */
export interface StatePaths {
  dir: string;
  /** The generated signing secret. */
  secret: string;
  sessions: string;
  /** The account-id marks (AccountIdMark below). */
  accountIds: string;
  /** Each collection's greatest and deleted record ids (json-server/ids.ts). */
  recordIds: string;
  /** The path whose `.lock` every process takes to change this accounts file (account-sources.ts). */
  accountsLock(accountsFile: string): string;
}

/** The state folder when none is given: beside users.json. */
export function defaultStateDir(usersFile: string): string {
  return path.join(path.dirname(usersFile), STATE_DIR_NAME);
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    secret: path.join(dir, 'state.json'),
    sessions: path.join(dir, 'sessions.json'),
    accountIds: path.join(dir, 'account-ids.json'),
    recordIds: path.join(dir, 'ids.json'),
    accountsLock: (accountsFile) => path.join(dir, path.basename(accountsFile)),
  };
}

const SELF_IGNORE = '# Written by fake-jwt-api: its state (secret, sessions, ids) never goes into git.\n*\n';

/**
 * Creates the state folder (mode 0700) when it is missing. A folder created here gets a `.gitignore` that ignores
 * everything in it, so a course repository stays clean in `git status` without anyone editing its own .gitignore.
 */
export async function ensureStateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await writeFile(path.join(dir, '.gitignore'), SELF_IGNORE, { flag: 'wx' }).catch(() => undefined);
}

interface StateFile {
  secret?: string;
}

async function readState(file: string): Promise<StateFile> {
  const fail = (message: string) => new ConfigError(`${message}; delete the state file to start afresh`);
  const state = await readJsonFile(file, fail, () => ({}));
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw fail(`${file}: expected a JSON object`);
  return state as StateFile;
}

/** The secret given (--secret / JWT_SECRET) or stored, checked; undefined when one is still to be generated. Writes nothing. */
export async function readSigningKey(secret: string | undefined, stateFile: string): Promise<KeyObject | undefined> {
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError(`--secret / JWT_SECRET: the secret must be at least ${MIN_SECRET_BYTES} bytes long (got ${Buffer.byteLength(secret, 'utf8')}); leave it out to have one generated and kept in ${STATE_DIR_NAME}/`);
    }
    return createSecretKey(Buffer.from(secret, 'utf8'));
  }
  const state = await readState(stateFile);
  if (typeof state.secret !== 'string' || state.secret.length === 0) return undefined;
  const stored = Buffer.from(state.secret, 'base64url');
  if (stored.length < MIN_SECRET_BYTES) throw new ConfigError(`${stateFile}: "secret" is shorter than ${MIN_SECRET_BYTES} bytes; delete the file to generate a new one`);
  return createSecretKey(stored);
}

/**
 * The HS256 key as a KeyObject, made once: handed a string, jsonwebtoken would try to parse it as a public key
 * on every verify. An explicit secret (--secret / JWT_SECRET) is never written to disk; without one, a secret is
 * generated once and kept in the state folder.
 */
export async function loadSigningKey(secret: string | undefined, stateFile: string): Promise<KeyObject> {
  const known = await readSigningKey(secret, stateFile);
  if (known) return known;
  const generated = randomBytes(GENERATED_SECRET_BYTES);
  await ensureStateDir(path.dirname(stateFile));
  await writeJsonAtomic(stateFile, { ...(await readState(stateFile)), secret: generated.toString('base64url') }, 0o600);
  return createSecretKey(generated);
}

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
    const fail = (message: string) => new ConfigError(`${message}; delete it to count from the ids in the accounts file again`);
    const content = (await readJsonFile(this.file, fail, () => NO_MARKS)) as Partial<AccountIdMarks> | null;
    const highest = content?.highest;
    const byEmail = content?.byEmail ?? {};
    const isIdMap = byEmail !== null && typeof byEmail === 'object' && !Array.isArray(byEmail) && Object.values(byEmail).every((id) => typeof id === 'string' || typeof id === 'number');
    if (typeof highest !== 'number' || !Number.isFinite(highest) || !isIdMap) {
      throw fail(`${this.file}: expected { "highest": <the greatest account id ever used>, "byEmail": { <email>: <id> } }`);
    }
    return { highest, byEmail };
  }
}

/** The marks of both: the greater `highest`, and every id given (the file's, where both name an email). */
function merged(known: AccountIdMarks, onDisk: AccountIdMarks): AccountIdMarks {
  return { highest: Math.max(known.highest, onDisk.highest), byEmail: { ...known.byEmail, ...onDisk.byEmail } };
}
