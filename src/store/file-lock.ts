import { open, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeError } from '../errors';

const RETRY_MS = 5;
/** A lock older than this was left by a process that died holding it: a write takes milliseconds. */
const STALE_AFTER_MS = 10_000;
const GIVE_UP_AFTER_MS = 15_000;

/**
 * Runs `work` holding `<file>.lock`, an exclusive lock between processes (created with O_EXCL, removed after),
 * so two processes that read, change and write one file never lose each other's change.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then((found) => Date.now() - found.mtimeMs, () => 0);
    if (age > STALE_AFTER_MS) await unlink(lock).catch(() => undefined);
    else if (Date.now() - started > GIVE_UP_AFTER_MS) throw new RuntimeError(`${lock} has been held for ${Math.round(age / 1000)} s; if no fake-jwt-api is writing, delete it`);
    else await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}
