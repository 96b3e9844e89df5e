import { ConfigError } from '../errors';
import { parseDuration } from './duration';

/**
 * Parsers of a flag's text (from the command line, an env var or the config file). Each throws a ConfigError
 * whose message finishes the command line's sentence "option '--port <port>' argument 'abc' is invalid."
 */

export function wholeNumber(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
      throw new ConfigError('ERR_OPTION', `${flag} must be a whole number from ${min} to ${max}.`);
    }
    return Number(text);
  };
}

/** `--cors-origin a,b --cors-origin c` (or --allowed-host): one list. */
export function commaList(text: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

/** `--trust-jwks a --trust-jwks b`: one list, each value whole (a URL may hold commas). */
export function repeatedList(text: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), text.trim()];
}

/** The text itself, once it reads as a duration: the server turns it into seconds. */
export function durationText(text: string): string {
  if (parseDuration(text) === undefined) throw new ConfigError('ERR_OPTION', 'use seconds, or a number with s, m, h, d or w, like 10s, 15m, 1h or 7d.');
  return text;
}
