import { stat } from 'node:fs/promises';

/** What identifies one version of a file on disk, to notice that someone else changed it. */
export interface FileVersion {
  mtimeMs: number;
  size: number;
  ino: number;
}

/** The file's version now; undefined when it does not exist. */
export async function versionOf(file: string): Promise<FileVersion | undefined> {
  try {
    const { mtimeMs, size, ino } = await stat(file);
    return { mtimeMs, size, ino };
  } catch {
    return undefined;
  }
}

export function sameVersion(a: FileVersion | undefined, b: FileVersion | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino);
}
