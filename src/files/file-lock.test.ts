import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from './file-lock';

describe('withFileLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'file-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `holders` lock holders at once, each holding it `holdMs`; returns the most that were inside together. */
  async function mostInsideAtOnce(file: string, holders: number, holdMs: number): Promise<number> {
    let inside = 0;
    let most = 0;
    const hold = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await sleep(holdMs);
      inside -= 1;
    };
    await Promise.all(Array.from({ length: holders }, () => withFileLock(file, hold)));
    return most;
  }

  it('lets one holder in at a time, and removes the lock after', async () => {
    const file = path.join(dir, 'data.json');
    expect(await mostInsideAtOnce(file, 5, 10)).toBe(1);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('breaks at once a lock whose process is gone (killed while writing)', async () => {
    const file = path.join(dir, 'data.json');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(`${file}.lock`, `${hostname()} ${gone} someone-else`);
    const started = Date.now();
    expect(await withFileLock(file, async () => 'done')).toBe('done');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('lets one holder in at a time when several waiters find an abandoned lock together', async () => {
    const file = path.join(dir, 'data.json');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    for (let round = 0; round < 20; round++) {
      writeFileSync(`${file}.lock`, `${hostname()} ${gone} someone-else`);
      expect(await mostInsideAtOnce(file, 4, 2)).toBe(1);
    }
  });

  it('breaks a lock left empty (its process died before writing its name) once it is a second old', async () => {
    const file = path.join(dir, 'data.json');
    writeFileSync(`${file}.lock`, '');
    const past = new Date(Date.now() - 2_000);
    utimesSync(`${file}.lock`, past, past);
    expect(await withFileLock(file, async () => 'done')).toBe('done');
  });

  it('releases the lock when the work fails', async () => {
    const file = path.join(dir, 'data.json');
    await expect(withFileLock(file, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
