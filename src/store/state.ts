import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from './atomic';

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

async function readState(file: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const state = JSON.parse(text) as unknown;
    if (state === null || typeof state !== 'object' || Array.isArray(state)) throw new Error('not an object');
    return state as StateFile;
  } catch (error) {
    throw new ConfigError(`${file}: the state file is not valid JSON (${(error as Error).message}); delete it to start afresh`);
  }
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
