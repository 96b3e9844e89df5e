import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { openApiDocument } from '../../app/openapi';
import { openStores } from '../../app/stores';
import { resolveOptions } from '../../config/options';
import { serverOptionsFromFlags } from '../../config/flags-to-options';
import { OPTION_NAMES } from '../../config/option-table';
import { ConfigError } from '../../errors';
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
  const stores = await openStores(options, statePaths(options.stateDir), {});
  const document = openApiDocument(options, stores, `http://${flags.host === '0.0.0.0' ? 'localhost' : flags.host}:${flags.port}`);
  return output !== undefined && /\.ya?ml$/i.test(output) ? toYaml(document, { aliasDuplicateObjects: false }) : `${JSON.stringify(document, null, 2)}\n`;
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
    else writeFileSync(output, text);
  });
}
