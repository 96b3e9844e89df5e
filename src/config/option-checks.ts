import { ConfigError } from '../errors';

/** Undefined stays undefined (the option's default applies); anything else must be text. */
export function nonEmptyString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError('ERR_OPTION', `${name}: expected a non-empty string`);
  return value;
}

/** A value from a closed list (the option table's choices); `flag` names it as the command line spells it. */
export function oneOf<Choice extends string>(flag: string, value: unknown, choices: readonly Choice[]): Choice {
  if (!choices.includes(value as Choice)) throw new ConfigError('ERR_OPTION', `${flag}: "${String(value)}" is not one of ${choices.join(', ')}`);
  return value as Choice;
}
