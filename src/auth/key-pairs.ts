import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import { writeJsonAtomic } from '../files/atomic';
import { parseJson } from '../files/json-file';
import { ensureStateDir } from '../state/state-dir';

/** The algorithms of our key pairs (RFC 7518 §3.3, §3.4; RFC 8037 for EdDSA with Ed25519). */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type SigningAlgorithm = AsymmetricAlgorithm | 'HS256';

/** README "Tokens": a token is dead within a second of its `exp`; a retired key outlives its last token by as much. */
const CLOCK_TOLERANCE_MS = 1000;

/** One key pair of the state folder's keys.json: its algorithm is fixed with it, and never read from a token. */
export interface KeyPair {
  kid: string;
  alg: AsymmetricAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
  createdAt: number;
  /** When a start signed with a newer key: it then only verifies, until every token it signed has expired. */
  retiredAt?: number;
  /** The longest lifetime of a token this key signed (a server's access TTL, a `token --ttl`). */
  longestTtlSeconds: number;
}

interface StoredKeyPair {
  kid: string;
  alg: AsymmetricAlgorithm;
  privateKey: string;
  createdAt: number;
  retiredAt?: number;
  longestTtlSeconds: number;
}

/** RFC 7638 §3.2: the required members of the JWK, in lexicographic order, hashed with SHA-256. */
export function jwkThumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const required: Record<string, string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] };
  const members = required[String(jwk.kty)];
  if (!members) throw new Error(`no thumbprint for a key of type ${String(jwk.kty)}`);
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name as keyof typeof jwk]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function generate(alg: AsymmetricAlgorithm) {
  if (alg === 'RS256') return generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (alg === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return generateKeyPairSync('ed25519');
}

export function newKeyPair(alg: AsymmetricAlgorithm, now: number): KeyPair {
  const { privateKey, publicKey } = generate(alg);
  return { kid: jwkThumbprint(publicKey), alg, privateKey, publicKey, createdAt: now, longestTtlSeconds: 0 };
}

/** Whether a key may still verify: not retired, or retired less than its longest token lifetime ago. */
export const stillVerifies = (pair: KeyPair, now: number): boolean =>
  pair.retiredAt === undefined || now < pair.retiredAt + pair.longestTtlSeconds * 1000 + CLOCK_TOLERANCE_MS;

/** The key that signs: the newest one not retired. */
export function currentKey(pairs: readonly KeyPair[], alg?: AsymmetricAlgorithm): KeyPair | undefined {
  const candidates = pairs.filter((pair) => pair.retiredAt === undefined && (alg === undefined || pair.alg === alg));
  return candidates.sort((a, b) => b.createdAt - a.createdAt)[0];
}

function fromStored(file: string, stored: unknown): KeyPair {
  const fail = (why: string) => new ConfigError('ERR_STATE_FILE', `${file}: ${why}; delete the file to generate new keys (tokens signed so far stop working)`);
  const entry = stored as Partial<StoredKeyPair> | null;
  if (entry === null || typeof entry !== 'object' || !ASYMMETRIC_ALGORITHMS.includes(entry.alg as AsymmetricAlgorithm))
    throw fail('a key without a known "alg"');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(String(entry.privateKey));
  } catch {
    throw fail(`the key ${String(entry.kid)} is not a private key in PEM`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    kid: jwkThumbprint(publicKey), // recomputed: a kid edited by hand names nothing
    alg: entry.alg as AsymmetricAlgorithm,
    privateKey,
    publicKey,
    createdAt: Number(entry.createdAt) || 0,
    ...(typeof entry.retiredAt === 'number' ? { retiredAt: entry.retiredAt } : {}),
    longestTtlSeconds: Number(entry.longestTtlSeconds) || 0,
  };
}

/** The key pairs of keys.json, oldest first; none when the file does not exist. Writes nothing. Synchronous: the
 * file is small, and a verification that meets an unknown kid reads it again (key-ring.ts). */
export function readKeyPairs(file: string): KeyPair[] {
  const fail = (message: string) => new ConfigError('ERR_STATE_FILE', `${message}; delete the file to generate new keys`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw fail(`${file}: cannot be read (${(error as Error).message})`);
  }
  const content = parseJson(file, text, fail) as { keys?: unknown } | null;
  if (content === null || typeof content !== 'object' || !Array.isArray(content.keys)) throw fail(`${file}: expected { "keys": [...] }`);
  return content.keys.map((stored) => fromStored(file, stored));
}

/** keys.json, mode 0600: it holds private keys. */
export async function writeKeyPairs(file: string, pairs: readonly KeyPair[]): Promise<void> {
  const keys: StoredKeyPair[] = pairs.map(({ kid, alg, privateKey, createdAt, retiredAt, longestTtlSeconds }) => ({
    kid,
    alg,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    createdAt,
    ...(retiredAt === undefined ? {} : { retiredAt }),
    longestTtlSeconds,
  }));
  await ensureStateDir(path.dirname(file));
  await writeJsonAtomic(file, { keys }, 0o600);
}

export interface SigningKeyChoice {
  alg: AsymmetricAlgorithm;
  /** The lifetime of the tokens the caller will sign: the key keeps verifying at least that long once retired. */
  ttlSeconds: number;
  now: number;
  /** A server start: every other key still signing is retired now (a `token` command retires nothing). */
  retireOthers: boolean;
}

/**
 * The key to sign with, from keys.json: the newest one of the algorithm, or a new one. Records the lifetime of the
 * tokens it will sign, retires the others on a server start, and forgets keys whose tokens have all expired.
 * Returns every key that still verifies, the signing one first.
 */
export async function prepareSigningKey(file: string, choice: SigningKeyChoice): Promise<KeyPair[]> {
  const { alg, ttlSeconds, now, retireOthers } = choice;
  const pairs = readKeyPairs(file);
  const signer = currentKey(pairs, alg) ?? newKeyPair(alg, now);
  if (!pairs.includes(signer)) pairs.push(signer);
  signer.longestTtlSeconds = Math.max(signer.longestTtlSeconds, ttlSeconds);
  if (retireOthers) for (const pair of pairs) if (pair !== signer && pair.retiredAt === undefined) pair.retiredAt = now;
  const kept = pairs.filter((pair) => stillVerifies(pair, now));
  await writeKeyPairs(file, kept);
  return [signer, ...kept.filter((pair) => pair !== signer)];
}

/** `keys rotate`: a new key, which the next start signs with; the current one keeps signing until then. */
export async function addKeyPair(file: string, alg: AsymmetricAlgorithm | undefined, now: number): Promise<KeyPair> {
  const pairs = readKeyPairs(file).filter((pair) => stillVerifies(pair, now));
  const added = newKeyPair(alg ?? currentKey(pairs)?.alg ?? 'RS256', Math.max(now, ...pairs.map((pair) => pair.createdAt + 1)));
  await writeKeyPairs(file, [...pairs, added]);
  return added;
}
