import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../../errors';
import { STATE_DIR_NAME } from '../../state/state-dir';
import { STARTER_FILES, writeStarterFiles } from '../starter';

const IGNORE_LINE = `${STATE_DIR_NAME}/`;

/** Adds the state folder to .gitignore (creating it), once: the secret and the sessions never go in git. */
async function ignoreState(dir: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const current = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (current.split(/\r?\n/).some((line) => line.trim() === IGNORE_LINE || line.trim() === STATE_DIR_NAME)) return false;
  await appendFile(file, `${current === '' || current.endsWith('\n') ? '' : '\n'}${IGNORE_LINE}\n`);
  return true;
}

/**
 * `fake-jwt-api init [dir]`: the starter db.json, users.json and routes.json, and the state folder in .gitignore.
 * Existing files are never overwritten without --force: then nothing is written, and the reason says which.
 */
export async function runInit(dir: string, force: boolean, log: (...lines: string[]) => void): Promise<void> {
  const target = path.resolve(dir);
  const existing = STARTER_FILES.filter((name) => existsSync(path.join(target, name)));
  if (existing.length > 0 && !force) {
    throw new ConfigError(
      'ERR_FILE_EXISTS',
      `${existing.map((name) => path.join(dir, name)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite ${existing.length === 1 ? 'it' : 'them'}`,
    );
  }
  const written = await writeStarterFiles(target, { 'db.json': 'db.json', 'users.json': 'users.json', 'routes.json': 'routes.json' }, force);
  const ignored = await ignoreState(target);
  const shown = (file: string) => path.relative(process.cwd(), file) || file;
  for (const file of written) log(`  wrote ${shown(file)}`);
  if (ignored) log(`  added ${IGNORE_LINE} to ${shown(path.join(target, '.gitignore'))}`);
  log('', `  Next: npx fake-jwt-api ${shown(path.join(target, 'db.json'))}`, '');
}

export function addInitCommand(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'folder to write the starter files into', '.')
    .option('--force', 'overwrite existing files')
    .description('write starter db.json, users.json and routes.json, and ignore the state folder in .gitignore')
    .action(async (dir: string, options: { force?: boolean }) => {
      await runInit(dir, Boolean(options.force), (...lines: string[]) => console.log(lines.join('\n')));
    });
}
