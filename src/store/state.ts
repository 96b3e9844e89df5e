import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from './atomic';
import { readJsonFile } from './json-file';

/**
 * The server's own state: the signing secret now, sessions and revocations later. It lives in a dot-folder
 * beside users.json, which express.static never serves (it ignores dotfiles), and survives restarts so tokens do.
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
