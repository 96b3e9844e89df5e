import { randomUUID } from 'node:crypto';
import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { RuntimeError } from '../errors';

const RETRY_MS = 5;
/** A lock older than this is broken even if its process lives: a write takes milliseconds. */
const STALE_AFTER_MS = 10_000;
const GIVE_UP_AFTER_MS = 15_000;

/** True unless `pid` is certainly gone (a process of another user answers EPERM: it exists). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether the lock's holder is gone (killed mid-write) or has held it far too long. */
async function isAbandoned(lock: string): Promise<boolean> {
  const [content, info] = await Promise.all([readFile(lock, 'utf8').catch(() => ''), stat(lock).catch(() => undefined)]);
  if (!info) return false; // released meanwhile: just try again
  const pid = Number(content.split(' ')[0]);
  return (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) || Date.now() - info.mtimeMs > STALE_AFTER_MS;
}

/**
 * Runs `work` holding `<file>.lock`, a lock between processes: created with O_EXCL, holding "<pid> <random>", and
 * removed after only while it still holds ours. So two processes that read, change and write one file never lose
 * each other's change, and a process killed while holding it (Ctrl-C on `token`) blocks no one: its pid is gone.
 */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const mine = `${process.pid} ${randomUUID()}`;
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(lock, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isAbandoned(lock)) await unlink(lock).catch(() => undefined);
    else if (Date.now() - started > GIVE_UP_AFTER_MS) throw new RuntimeError(`${lock} has been held for over ${GIVE_UP_AFTER_MS / 1000} s; if no fake-jwt-api is writing, delete it`);
    else await sleep(RETRY_MS);
  }
  try {
    return await work();
  } finally {
    if ((await readFile(lock, 'utf8').catch(() => '')) === mine) await unlink(lock).catch(() => undefined);
  }
}
