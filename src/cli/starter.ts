import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

/** The starter files shipped in the package: json-server's example data, two accounts, one rewrite. */
export const STARTER_DIR = path.join(__dirname, '..', '..', 'starter');
export const STARTER_FILES = ['db.json', 'users.json', 'routes.json'] as const;

/**
 * Writes the starter files into `dir`, keeping any that already exist unless `force`.
 * Returns the paths it wrote.
 */
export async function writeStarterFiles(dir: string, names: Record<(typeof STARTER_FILES)[number], string>, force = false): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const starter of STARTER_FILES) {
    const target = path.resolve(dir, names[starter]);
    if (!force && existsSync(target)) continue;
    await copyFile(path.join(STARTER_DIR, starter), target);
    written.push(target);
  }
  return written;
}
