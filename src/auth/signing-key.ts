import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from '../files/atomic';
import { readJsonFile } from '../files/json-file';
import { ensureStateDir, STATE_DIR_NAME, type StatePaths } from '../state/state-dir';
import { prepareSigningKey, readKeyPairs, type SigningAlgorithm } from './key-pairs';
import { keyPairRing, secretKeys, type SigningKeys } from './signing-keys';

/** The HS256 signing secret: given (--secret / JWT_SECRET) or generated once and kept in the state folder's state.json. */
const MIN_SECRET_BYTES = 32;
const GENERATED_SECRET_BYTES = 48;

interface StateFile {
  secret?: string;
}

async function readState(file: string): Promise<StateFile> {
  const fail = (message: string) => new ConfigError('ERR_STATE_FILE', `${message}; delete the state file to start afresh`);
  const state = await readJsonFile(file, fail, () => ({}));
  if (state === null || typeof state !== 'object' || Array.isArray(state)) throw fail(`${file}: expected a JSON object`);
  return state as StateFile;
}

/** The secret given (--secret / JWT_SECRET) or stored, checked; undefined when one is still to be generated. Writes nothing. */
export async function readSigningKey(secret: string | undefined, stateFile: string): Promise<KeyObject | undefined> {
  if (secret !== undefined) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new ConfigError(
        'ERR_OPTION',
        `--secret / JWT_SECRET: the secret must be at least ${MIN_SECRET_BYTES} bytes long (got ${Buffer.byteLength(secret, 'utf8')}); leave it out to have one generated and kept in ${STATE_DIR_NAME}/`,
      );
    }
    return createSecretKey(Buffer.from(secret, 'utf8'));
  }
  const state = await readState(stateFile);
  if (typeof state.secret !== 'string' || state.secret.length === 0) return undefined;
  const stored = Buffer.from(state.secret, 'base64url');
  if (stored.length < MIN_SECRET_BYTES)
    throw new ConfigError('ERR_STATE_FILE', `${stateFile}: "secret" is shorter than ${MIN_SECRET_BYTES} bytes; delete the file to generate a new one`);
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

export interface SigningKeysChoice {
  alg: SigningAlgorithm;
  /** --secret / JWT_SECRET; undefined: the state folder's. */
  secret?: string;
  /** The lifetime of the tokens that will be signed: a retired key verifies at least that long. */
  ttlSeconds: number;
  now: () => number;
  /** A server start retires every older key pair; the `token` command retires none. */
  retireOthers: boolean;
}

/** Checks the secret and keys.json, writing nothing: a start that fails leaves the state folder as it was. */
export async function checkSigningKeys(choice: Pick<SigningKeysChoice, 'alg' | 'secret'>, files: Pick<StatePaths, 'secret' | 'keys'>): Promise<void> {
  await readSigningKey(choice.secret, files.secret);
  if (choice.alg !== 'HS256') readKeyPairs(files.keys);
}

/**
 * The keys tokens are signed and verified with, and the server's secret (which also keys the login decoys): with
 * HS256 the secret signs; otherwise the key pair of the algorithm in keys.json, generated on first use.
 */
export async function loadSigningKeys(
  choice: SigningKeysChoice,
  files: Pick<StatePaths, 'secret' | 'keys'>,
): Promise<{ keys: SigningKeys; secret: KeyObject }> {
  const secret = await loadSigningKey(choice.secret, files.secret);
  if (choice.alg === 'HS256') return { keys: secretKeys(secret), secret };
  const { alg, ttlSeconds, now, retireOthers } = choice;
  const pairs = await prepareSigningKey(files.keys, { alg, ttlSeconds, now: now(), retireOthers });
  return { keys: keyPairRing(files.keys, pairs, now), secret };
}
