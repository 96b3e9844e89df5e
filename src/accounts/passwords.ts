import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import bcrypt from 'bcryptjs';

/**
 * Password hashing. New hashes are scrypt, in our own self-describing format
 *   $scrypt$ln=14,r=8,p=1$<salt, base64>$<key, base64>
 * so the cost can rise later without breaking stored hashes. bcrypt hashes ($2a$/$2b$/$2y$) carried over from
 * json-server-auth projects are verified with bcryptjs.
 *
 * N = 2^14, r = 8 needs 16 MiB per guess: memory-hard, and on a GPU about as slow to attack as bcrypt cost 10,
 * while a login stays well under 100 ms here. node:crypto runs it on libuv's thread pool, off the event loop.
 */
const DEFAULT_COST = { ln: 14, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Upper bounds for parameters read from a stored hash, so a hand-edited users.json cannot stall the server.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 4;

const SCRYPT_HASH = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function isPasswordHash(value: string): boolean {
  return SCRYPT_HASH.test(value) || BCRYPT_HASH.test(value);
}

/** The scheme and cost of a hash, as its prefix (`$scrypt$ln=14,r=8,p=1$`, `$2b$10$`): what a check of it costs. */
export function hashCost(hash: string): string | undefined {
  if (BCRYPT_HASH.test(hash)) return hash.slice(0, 7);
  return SCRYPT_HASH.test(hash) ? hash.slice(0, hash.indexOf('$', 8) + 1) : undefined;
}

/** The cost of the hashes made now. */
export const NEW_HASH_COST = `$scrypt$ln=${DEFAULT_COST.ln},r=${DEFAULT_COST.r},p=${DEFAULT_COST.p}$`;

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A hash of the given cost (a `hashCost` prefix) that no password matches: random salt and key. Checking a
 * password against it does the work of checking one against a real hash of that cost, and is made in no time.
 */
export function decoyHash(cost: string): string {
  if (cost.startsWith('$2')) return cost + Array.from(randomBytes(53), (byte) => BCRYPT_ALPHABET[byte & 63]).join('');
  return `${cost}${randomBytes(SALT_LENGTH).toString('base64')}$${randomBytes(KEY_LENGTH).toString('base64')}`;
}

// Hashes running at once: one core is left for the event loop, so a storm of logins slows logins, not every
// other request (libuv's pool would otherwise run four scrypts on a two-core machine).
const MAX_PARALLEL_HASHES = Math.max(1, availableParallelism() - 1);
let runningHashes = 0;
const waitingHashes: Array<() => void> = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (runningHashes >= MAX_PARALLEL_HASHES) await new Promise<void>((resolve) => waitingHashes.push(resolve));
  runningHashes += 1;
  try {
    return await work();
  } finally {
    runningHashes -= 1;
    waitingHashes.shift()?.();
  }
}

function scryptKey(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return withHashSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
      }),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { ln, r, p } = DEFAULT_COST;
  const salt = randomBytes(SALT_LENGTH);
  const key = await scryptKey(password, salt, ln, r, p);
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `password` matches `hash`; false for a wrong password or a hash we do not understand. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (BCRYPT_HASH.test(hash)) return bcrypt.compare(password, hash);
  const match = SCRYPT_HASH.exec(hash);
  if (!match) return false;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || ln > MAX_LN || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  const expected = Buffer.from(match[5], 'base64');
  const key = await scryptKey(password, Buffer.from(match[4], 'base64'), ln, r, p);
  return expected.length === key.length && timingSafeEqual(expected, key);
}
