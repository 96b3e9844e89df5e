import { existsSync } from 'node:fs';
import type { Command, Option } from 'commander';
import { ConfigError } from '../errors';
import { readJsonFileSync } from '../files/json-file';

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Every name a config key may use for an option: `read-only`, `readOnly`, `no-cors`, `noCors`, `cors`. */
function namesOf(option: Option): Array<{ name: string; negated: boolean }> {
  const long = (option.long ?? '').replace(/^--/, '');
  const names = [
    { name: long, negated: option.negate },
    { name: camelCase(long), negated: option.negate },
    { name: option.attributeName(), negated: false },
  ];
  return names.filter((entry, index) => names.findIndex((other) => other.name === entry.name) === index);
}

const NOT_IN_CONFIG = new Set(['config', 'version']);

/**
 * Applies a JSON config file (json-server's `-c`, default json-server.json) to options the command line left at
 * their defaults: flags win over the file. A missing default file is fine; a missing named file is not.
 */
export function applyConfigFile(program: Command): void {
  const file = program.opts().config as string;
  const named = program.getOptionValueSource('config') !== 'default';
  if (!existsSync(file)) {
    if (named) throw new ConfigError(`${file}: the config file does not exist`);
    return;
  }
  const content = readJsonFileSync(file, (message) => new ConfigError(message));
  if (content === null || typeof content !== 'object' || Array.isArray(content)) throw new ConfigError(`${file}: expected a JSON object of options, like { "port": 3001 }`);

  const byName = new Map<string, { option: Option; negated: boolean }>();
  for (const option of program.options) {
    if (NOT_IN_CONFIG.has(option.attributeName())) continue;
    for (const { name, negated } of namesOf(option)) byName.set(name, { option, negated });
  }
  for (const [key, value] of Object.entries(content)) {
    const entry = byName.get(key);
    if (!entry) throw new ConfigError(`${file}: "${key}" is not an option (see fake-jwt-api --help)`);
    const { option, negated } = entry;
    const attribute = option.attributeName();
    if (program.getOptionValueSource(attribute) === 'cli' || program.getOptionValueSource(attribute) === 'env') continue;
    program.setOptionValueWithSource(attribute, configValue(file, key, option, negated, value), 'config');
  }
}

function configValue(file: string, key: string, option: Option, negated: boolean, value: unknown): unknown {
  const takesValue = option.required || option.optional;
  if (!takesValue) {
    if (typeof value !== 'boolean') throw new ConfigError(`${file}: "${key}" must be true or false`);
    return negated ? !value : value;
  }
  if (option.variadic) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((item) => typeof item === 'string')) throw new ConfigError(`${file}: "${key}" must be a string or a list of strings`);
    return list;
  }
  const isList = Array.isArray(value) && value.every((item) => typeof item === 'string');
  if (typeof value !== 'string' && typeof value !== 'number' && !isList) throw new ConfigError(`${file}: "${key}" must be a string or a number`);
  const text = isList ? (value as string[]).join(',') : String(value);
  if (option.argChoices && !option.argChoices.includes(text)) throw new ConfigError(`${file}: "${key}" must be one of ${option.argChoices.join(', ')}`);
  try {
    return option.parseArg ? option.parseArg(text, undefined) : text;
  } catch (error) {
    throw new ConfigError(`${file}: "${key}": ${(error as Error).message}`);
  }
}
