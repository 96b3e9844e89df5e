import { existsSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { parseDuration } from '../config/duration';
import { OPTION_NAMES, specOf, type OptionName } from '../config/option-table';
import type { ServerOptions } from '../config/server-options';
import { ConfigError } from '../errors';
import { readJsonFileSync } from '../files/json-file';
import { parseClients } from '../provider/client-registry';

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** A config-file key: the option it sets, and whether true means off (`"no-cors": true`). */
export interface ConfigKey {
  name: OptionName;
  negated: boolean;
}

/**
 * Every key a config file may use, from the option table: the flag's name and its camelCase form (`read-only`,
 * `readOnly`), and for a `--no-` switch the positive name as well (`no-cors`, `noCors`, `cors`). --config itself
 * is not one: a config file does not name another.
 */
export function configFileKeys(): ReadonlyMap<string, ConfigKey> {
  const keys = new Map<string, ConfigKey>();
  for (const name of OPTION_NAMES.filter((each) => each !== 'config')) {
    const long = specOf(name).flag.replace(/^--/, '');
    const negated = long.startsWith('no-');
    for (const key of [long, camelCase(long)]) keys.set(key, { name, negated });
    if (negated) keys.set(camelCase(long.replace(/^no-/, '')), { name, negated: false });
  }
  return keys;
}

/** Keys of the config file that are no flag: a list of objects has no command-line form. */
export type FileOnlyOptions = Pick<ServerOptions, 'clients'>;

/** The `clients` list, checked here so a bad entry is the config file's error, naming the file. */
function fileOnlyOptions(file: string, content: Record<string, unknown>): FileOnlyOptions {
  if (content.clients === undefined) return {};
  const parsed = parseClients(content.clients, parseDuration);
  if (!parsed.ok) throw new ConfigError('ERR_CONFIG_FILE', `${file}: "clients": ${parsed.problem}`);
  return { clients: content.clients as FileOnlyOptions['clients'] };
}

/**
 * Applies a JSON config file (json-server's `-c`, default json-server.json) to options the command line left at
 * their defaults: flags win over the file. A missing default file is fine; a missing named file is not. Returns
 * the options only a config file sets (`clients`).
 */
export function applyConfigFile(program: Command): FileOnlyOptions {
  const file = program.opts().config as string;
  const named = program.getOptionValueSource('config') !== 'default';
  if (!existsSync(file)) {
    if (named) throw new ConfigError('ERR_CONFIG_FILE', `${file}: the config file does not exist`);
    return {};
  }
  const content = readJsonFileSync(file, (message) => new ConfigError('ERR_CONFIG_FILE', message));
  if (content === null || typeof content !== 'object' || Array.isArray(content))
    throw new ConfigError('ERR_CONFIG_FILE', `${file}: expected a JSON object of options, like { "port": 3001 }`);

  const keys = configFileKeys();
  for (const [key, value] of Object.entries(content)) {
    if (key === 'clients') continue;
    const entry = keys.get(key);
    if (!entry) throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}" is not an option (see fake-jwt-api --help)`);
    const option = program.options.find((each) => each.long === specOf(entry.name).flag) as Option;
    const attribute = option.attributeName();
    if (program.getOptionValueSource(attribute) === 'cli' || program.getOptionValueSource(attribute) === 'env') continue;
    program.setOptionValueWithSource(attribute, configValue(file, key, option, entry.negated, value), 'config');
  }
  return fileOnlyOptions(file, content as Record<string, unknown>);
}

function configValue(file: string, key: string, option: Option, negated: boolean, value: unknown): unknown {
  const takesValue = option.required || option.optional;
  if (!takesValue) {
    if (typeof value !== 'boolean') throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}" must be true or false`);
    return negated ? !value : value;
  }
  if (option.variadic) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((item) => typeof item === 'string')) throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}" must be a string or a list of strings`);
    return list;
  }
  const isList = Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (typeof value !== 'string' && typeof value !== 'number' && !isList)
    throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}" must be a string or a number`);
  const text = isList ? (value as string[]).join(',') : String(value);
  if (option.argChoices && !option.argChoices.includes(text))
    throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}" must be one of ${option.argChoices.join(', ')}`);
  try {
    // A list is the flag repeated, each item parsed onto the ones before (a URL of --trust-jwks may hold commas).
    if (isList && option.parseArg) return (value as string[]).reduce<unknown>((previous, item) => option.parseArg!(item, previous), undefined);
    return option.parseArg ? option.parseArg(text, undefined) : text;
  } catch (error) {
    throw new ConfigError('ERR_CONFIG_FILE', `${file}: "${key}": ${(error as Error).message}`);
  }
}
