import { OPTION_NAMES, isSwitch, specOf } from '../config/option-table';

/**
 * json-server's command line is yargs: users type `--ro`, `--nc`, `--fks _id`, `--no-cors=true`,
 * `--read-only false`. Commander reads none of those, so they are turned into the forms it reads, first.
 */
const SPECS = OPTION_NAMES.map(specOf);
const FLAG_OF_ALIAS = new Map<string, string>(SPECS.flatMap((spec) => (spec.aliases ?? []).map((alias): [string, string] => [alias, spec.flag])));
const SWITCHES = new Set<string>(SPECS.filter(isSwitch).flatMap((spec) => (spec.short ? [spec.short, spec.flag] : [spec.flag])));
const BOOLEAN_WORDS = new Set(['true', 'false']);

/** Rewrites yargs-style arguments (after node and the script) into commander's forms. */
export function normalizeArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--') {
      out.push(...args.slice(index));
      break;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const flag = FLAG_OF_ALIAS.get(name) ?? name;
    if (!SWITCHES.has(flag)) {
      out.push(equals === -1 ? flag : `${flag}${arg.slice(equals)}`);
      continue;
    }
    // A switch may carry its value as yargs reads it: `--flag=true`, `--flag false`.
    let value: string | undefined = equals === -1 ? undefined : arg.slice(equals + 1);
    if (value === undefined && BOOLEAN_WORDS.has(args[index + 1] ?? '')) value = args[++index];
    if (value === undefined || value === 'true') out.push(flag);
    else if (value !== 'false') out.push(`${flag}=${value}`); // let commander say it takes no value
  }
  return out;
}
