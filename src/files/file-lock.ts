import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileLockTimeoutError } from './errors';

const RETRY_MS = 5;
/** A lock older than this is broken even if its holder lives (or lives on another host): a write takes milliseconds. */
const STALE_AFTER_MS = 10_000;
/** A lock still empty after this was left by a process that died between creating it and writing its name. */
const EMPTY_STALE_AFTER_MS = 1_000;
const GIVE_UP_AFTER_MS = 15_000;
const HOST = hostname();

/** True unless `pid` is certainly gone (a process of another user answers EPERM: it exists). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether a lock holding `content`, this old, was abandoned: its process is gone, or it is far too old. */
function isAbandoned(content: string, ageMs: number): boolean {
  if (ageMs > STALE_AFTER_MS) return true;
  if (content === '') return ageMs > EMPTY_STALE_AFTER_MS;
  const [host, pid] = content.split(' ');
  // A pid means something only on its own host (a server in a container, `token` on the host, say).
  return host === HOST && Number.isInteger(Number(pid)) && !isAlive(Number(pid));
}

/**
 * Removes `lock` if it is abandoned. Breaking takes a lock of its own (`.break`), and removes the lock only if it
 * still holds what was judged abandoned: two waiters never both break it, nor one break the other's new lock.
 */
async function breakIfAbandoned(lock: string): Promise<void> {
  const [content, info] = await Promise.all([readFile(lock, 'utf8').catch(() => undefined), stat(lock).catch(() => undefined)]);
  if (content === undefined || !info || !isAbandoned(content, Date.now() - info.mtimeMs)) return;
  const breaker = `${lock}.break`;
  try {
    await writeFile(breaker, '', { flag: 'wx', mode: 0o600 });
  } catch {
    // Another waiter is breaking it; a breaker that died leaves a file that is itself broken once stale.
    const breakerAge = await stat(breaker).then(
      (found) => Date.now() - found.mtimeMs,
      () => 0,
    );
    if (breakerAge > STALE_AFTER_MS) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    if ((await readFile(lock, 'utf8').catch(() => undefined)) === content) await unlink(lock).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/**
 * Runs `work` holding `<file>.lock`, a lock between processes: created with O_EXCL, holding "<host> <pid> <random>",
 * and removed after only while it still holds ours. So two processes that read, change and write one file never
 * lose each other's change, and a process killed while holding it (Ctrl-C on `token`) blocks no one for long.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const mine = `${HOST} ${process.pid} ${randomUUID()}`;
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (Date.now() - started > GIVE_UP_AFTER_MS) throw new FileLockTimeoutError(lock, GIVE_UP_AFTER_MS);
    await breakIfAbandoned(lock);
    await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    if ((await readFile(lock, 'utf8').catch(() => '')) === mine) await unlink(lock).catch(() => undefined);
  }
}
