import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { openApiDocument } from '../../app/openapi';
import { openStores } from '../../app/stores';
import { resolveOptions, type ResolvedOptions } from '../../config/options';
import { serverOptionsFromFlags } from '../../config/flags-to-options';
import { OPTION_NAMES } from '../../config/option-table';
import { ConfigError } from '../../errors';
import { writeTextAtomic } from '../../files/atomic';
import { statePaths } from '../../state/state-dir';
import { applyConfigFile } from '../config-file';
import { commanderOption, serveFlagsOf } from '../program';
import { stringify as toYaml } from 'yaml';

/**
 * `fake-jwt-api openapi [db] [-o file]` (README "OpenAPI and typed clients"): the document the server would serve
 * with these flags, without starting it: for a build step that generates a typed client. It reads the files as a
 * start does and writes nothing but the output (no state folder: openStores writes nothing).
 */
export async function openApiText(db: string, program: Command, output?: string): Promise<string> {
  const dbFile = path.resolve(db);
  if (!existsSync(dbFile))
    throw new ConfigError('ERR_OPTION', `${db}: no such file; the document describes an existing db.json (run the server once to create one)`);
  const fileOnly = applyConfigFile(program);
  const flags = serveFlagsOf(program);
  const options = resolveOptions({ ...serverOptionsFromFlags(flags), ...fileOnly, db: dbFile, logger: false });
  if (output !== undefined) refuseToOverwrite(output, options, program.opts().config as string);
  const stores = await openStores(options, statePaths(options.stateDir), {});
  const document = openApiDocument(options, stores, `http://${flags.host === '0.0.0.0' ? 'localhost' : flags.host}:${flags.port}`);
  return output !== undefined && /\.ya?ml$/i.test(output) ? toYaml(document, { aliasDuplicateObjects: false }) : `${JSON.stringify(document, null, 2)}\n`;
}

/** The real path a write to `file` lands on: a symlink is followed (as writeTextAtomic follows it), a new file is named by its folder's real path. */
function realPathOf(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = path.dirname(absolute);
    return parent === absolute ? absolute : path.join(realPathOf(parent), path.basename(absolute));
  }
}

/** An earlier `openapi -o`: JSON with a top-level "openapi" key, or YAML whose first line is `openapi: ...`. */
function isOpenApiDocument(text: string): boolean {
  if (/^openapi:/.test(text)) return true;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && Object.hasOwn(parsed, 'openapi');
  } catch {
    return false;
  }
}

/**
 * -o replaces the file it names, so it must not name one of the server's own files (`openapi db.json -o users.json`
 * would lose every account), nor a file of the user's that is no earlier document (notes.txt): refused, nothing written.
 */
function refuseToOverwrite(output: string, options: ResolvedOptions, configFile: string): void {
  const target = realPathOf(output);
  const refuse = (what: string) => {
    throw new ConfigError('ERR_OPTION', `-o ${output}: ${what}; writing the document there would overwrite it. Choose another name, like openapi.json`);
  };
  const ownFiles: Array<[string, string | undefined]> = [
    ['the db file', typeof options.db === 'string' ? options.db : undefined],
    ['the users file', options.users],
    ['the routes file', typeof options.routes === 'string' ? options.routes : undefined],
    ['the config file', configFile],
  ];
  for (const [what, file] of ownFiles) if (file !== undefined && realPathOf(file) === target) refuse(`that is ${what} (${file})`);
  const insideState = path.relative(realPathOf(options.stateDir), target);
  if (!insideState.startsWith('..') && !path.isAbsolute(insideState)) refuse(`that is inside the state folder (${options.stateDir})`);
  if (!existsSync(target)) return;
  if (!statSync(target).isFile() || !isOpenApiDocument(readFileSync(target, 'utf8'))) refuse('the file exists and is not an OpenAPI document');
}

export function addOpenApiCommand(program: Command): void {
  const command = program
    .command('openapi')
    .argument('[db]', 'the db.json to describe', 'db.json')
    .addOption(new Option('-o, --output <file>', 'write the document to this file (YAML when it ends in .yaml or .yml) instead of stdout'))
    .description('print the OpenAPI 3.1 document the server serves at /openapi.json, without starting it: fake-jwt-api openapi db.json -o openapi.json');
  // The serving flags shape the document (routes, --read-only, --cookie, --alg, --login-field...): the same ones.
  for (const name of OPTION_NAMES) command.addOption(commanderOption(name));
  command.action(async (db: string, { output }: { output?: string }) => {
    const text = await openApiText(db, command, output);
    if (output === undefined) process.stdout.write(text);
    else await writeTextAtomic(output, text);
  });
}
