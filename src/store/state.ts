import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from './atomic';
import { withFileLock } from './file-lock';
import { readJsonFile } from './json-file';

/**
 * The server's own state: the signing secret, the sessions and revocations (sessions.ts), the account-id mark. It
 * lives in a dot-folder beside users.json, which express.static never serves (it ignores dotfiles), and survives
 * restarts so tokens do.
 */
export const STATE_DIR_NAME = '.fake-jwt-api';
const MIN_SECRET_BYTES = 32;
const GENERATED_SECRET_BYTES = 48;

export interface StateFile {
  secret?: string;
}

export function stateFileFor(usersFile: string): string {
  return path.join(path.dirname(usersFile), STATE_DIR_NAME, 'state.json');
}

export function sessionsFileFor(usersFile: string): string {
  return path.join(path.dirname(usersFile), STATE_DIR_NAME, 'sessions.json');
}

async function readState(file: string): Promise<StateFile> {
  const fail = (message: string) => new ConfigError(`${message}; delete the state file to start afresh`);
  const state = await readJsonFile(file, fail, () => ({}));
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw fail(`${file}: expected a JSON object`);
  return state as StateFile;
}

/**
 * The HS256 key as a KeyObject, made once: handed a string, jsonwebtoken would try to parse it as a public key
 * on every verify. An explicit secret (--secret / JWT_SECRET) is never written to disk.
 */
export async function loadSigningKey(secret: string | undefined, stateFile: string): Promise<KeyObject> {
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError(`--secret / JWT_SECRET: the secret must be at least ${MIN_SECRET_BYTES} bytes long (got ${Buffer.byteLength(secret, 'utf8')}); leave it out to have one generated and kept in ${STATE_DIR_NAME}/`);
    }
    return createSecretKey(Buffer.from(secret, 'utf8'));
  }
  const state = await readState(stateFile);
  if (typeof state.secret === 'string' && state.secret.length > 0) {
    const stored = Buffer.from(state.secret, 'base64url');
    if (stored.length < MIN_SECRET_BYTES) throw new ConfigError(`${stateFile}: "secret" is shorter than ${MIN_SECRET_BYTES} bytes; delete the file to generate a new one`);
    return createSecretKey(stored);
  }
  const generated = randomBytes(GENERATED_SECRET_BYTES);
  await mkdir(path.dirname(stateFile), { recursive: true, mode: 0o700 });
  await writeJsonAtomic(stateFile, { ...state, secret: generated.toString('base64url') }, 0o600);
  return createSecretKey(generated);
}

export function accountIdsFileFor(usersFile: string): string {
  return path.join(path.dirname(usersFile), STATE_DIR_NAME, 'account-ids.json');
}

/**
 * The greatest numeric account id ever seen, so an id is never handed out twice: not after a deletion through the
 * API, nor after one by hand while the server was down (another account with Bob's id would own Bob's records).
 * Kept in the state folder, shared with `fake-jwt-api users add`, and only ever raised, under the file's lock;
 * without a file (accounts given in code) it is kept in memory.
 */
export class AccountIdMark {
  /** The greatest id this process has seen: the mark stays even if the file is deleted meanwhile. */
  private known = 0;

  constructor(private readonly file?: string) {}

  /** The mark: the greatest id this process has seen, or any process has written, whichever is greater. */
  async highest(): Promise<number> {
    this.known = Math.max(this.known, await this.read());
    return this.known;
  }

  /** Raises the mark to `id` when that is greater; writes nothing when it is not. */
  async raise(id: number): Promise<void> {
    const onDisk = await this.read();
    this.known = Math.max(this.known, onDisk);
    if (id <= this.known && (this.file === undefined || this.known <= onDisk)) return;
    await this.locked((highest) => Math.max(highest, id));
  }

  /**
   * Picks the next id with `pick` (given the mark) and raises the mark to it, as one step between processes: two
   * registrations, here and in `users add`, never get one id.
   */
  async claim<T extends string | number>(pick: (highest: number) => T): Promise<T> {
    let picked: T | undefined;
    await this.locked((highest) => {
      picked = pick(highest);
      return typeof picked === 'number' ? Math.max(highest, picked) : highest;
    });
    return picked as T;
  }

  /** Puts the mark back to `value`, lower or not: for reset(), which puts the accounts back as well. */
  async resetTo(value: number): Promise<void> {
    this.known = value;
    if (this.file !== undefined) await writeJsonAtomic(this.file, { highest: value }, 0o600);
  }

  /** Runs `next` on the mark under the file's lock, and saves its answer when that is higher than the file's. */
  private async locked(next: (highest: number) => number): Promise<void> {
    const file = this.file;
    if (file === undefined) {
      this.known = next(this.known);
      return;
    }
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await withFileLock(file, async () => {
      const onDisk = await this.read();
      this.known = next(Math.max(this.known, onDisk));
      if (this.known > onDisk) await writeJsonAtomic(file, { highest: this.known }, 0o600);
    });
  }

  private async read(): Promise<number> {
    if (this.file === undefined) return 0;
    const fail = (message: string) => new ConfigError(`${message}; delete it to count from the ids in the accounts file again`);
    const content = (await readJsonFile(this.file, fail, () => ({ highest: 0 }))) as { highest?: unknown } | null;
    const highest = content?.highest;
    if (typeof highest !== 'number' || !Number.isFinite(highest)) throw fail(`${this.file}: expected { "highest": <the greatest account id ever used> }`);
    return highest;
  }
}
