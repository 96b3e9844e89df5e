import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';

/** How every file we own is written: pretty JSON, newline-terminated, as users edit them by hand. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes JSON as `writeTextAtomic` does. */
export async function writeJsonAtomic(file: string, value: unknown, mode?: number): Promise<void> {
  await writeTextAtomic(file, toJsonText(value), mode);
}

/** The last write asked for, per file: writes to one file run one after another, in the order asked. */
const queues = new Map<string, Promise<void>>();

/**
 * Writes `text` to a temporary file in the same folder, fsyncs it, renames it over `file` and fsyncs the folder,
 * so a crash or a power cut leaves either the old file or the new one, never half of one, and a write that
 * resolved stays written. `mode` sets the permissions (files holding secrets); without it an existing file keeps
 * its own, and its owner when root writes it. A symlink stays one: the file it points to is replaced.
 *
 * Our own rather than write-file-atomic, whose signal-exit adds listeners for a dozen signals during every
 * write, patches process.emit and process.exit, and re-raises a signal when it thinks no one else listens: how
 * the process ends belongs to cli/signals.ts alone (issue 10). It also leaves the folder unsynced.
 */
export async function writeTextAtomic(file: string, text: string | Buffer, mode?: number): Promise<void> {
  const key = path.resolve(file);
  const write = (queues.get(key) ?? Promise.resolve()).then(() => replaceFile(key, text, mode));
  const queued = write.catch(() => undefined);
  queues.set(key, queued);
  try {
    await write;
  } finally {
    if (queues.get(key) === queued) queues.delete(key);
  }
}

/** One file on disk, whatever name reaches it: the birth time tells apart two files that got one inode number in turn. */
export const fileIdentity = (stats: Stats) => `${stats.dev}:${stats.ino}:${stats.birthtimeMs}`;

const outlivedVersions = new Set<string>();

/**
 * True for a version of a file this process replaced while another name (a hard link) still led to it: that name
 * keeps the old bytes (users.json with its plain-text demo passwords, say), so the static folder must never serve it.
 */
export function isOutlivedVersion(stats: Stats): boolean {
  return outlivedVersions.has(fileIdentity(stats));
}

async function replaceFile(file: string, text: string | Buffer, mode: number | undefined): Promise<void> {
  const target = await realpath(file).catch(() => file);
  const existing = await stat(target).catch(() => undefined);
  if (existing && existing.nlink > 1) outlivedVersions.add(fileIdentity(existing));
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode ?? existing?.mode ?? 0o666);
    try {
      await handle.writeFile(text);
      // open() applies the umask; the permissions asked for, or the old file's, are kept exactly.
      if (mode !== undefined || existing) await handle.chmod((mode ?? existing!.mode) & 0o7777).catch(unlessUnsupported);
      if (existing && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid).catch(unlessUnsupported);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncFolder(path.dirname(target));
}

/** Some mounts have no owners or permissions (FAT, some container bind mounts): the write goes on without them. */
function unlessUnsupported(error: NodeJS.ErrnoException): void {
  if (!['EPERM', 'EINVAL', 'ENOSYS', 'ENOTSUP'].includes(error.code ?? '')) throw error;
}

/** Makes the rename itself durable. Windows cannot open a folder to sync it; there the rename is left to the OS. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse to sync a folder (EINVAL); the file's own data is already synced.
  } finally {
    await handle.close();
  }
}
