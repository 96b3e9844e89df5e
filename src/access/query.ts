import safeRegex from 'safe-regex2';
import { badRequest } from '../errors';

// json-server's query parameters that it reads as one string; an array or object there makes it throw.
const SINGLE_STRING = ['q', '_sort', '_order', '_page', '_limit', '_start', '_end', '_delay'];
const MAX_PATTERN_LENGTH = 200;
// json-server waits `_delay` ms before answering; a cap keeps a client from parking connections for hours.
const MAX_DELAY_MS = 10_000;

function checkPattern(key: string, pattern: unknown): void {
  if (typeof pattern !== 'string') throw badRequest(`"${key}" must be a regular expression in a string.`);
  if (pattern.length > MAX_PATTERN_LENGTH) throw badRequest(`"${key}" is longer than ${MAX_PATTERN_LENGTH} characters.`);
  try {
    new RegExp(pattern, 'i');
  } catch (error) {
    throw badRequest(`"${key}" is not a valid regular expression (${(error as Error).message}).`);
  }
  // json-server runs the pattern on the event loop over every record: one with nested quantifiers like
  // (a+)+ can take seconds on a short string and stall every other request.
  if (!safeRegex(pattern)) throw badRequest(`"${key}" could take exponential time to match (nested quantifiers like (a+)+); simplify it.`);
}

/**
 * Checks the query parameters json-server interprets, so a hostile query is a 400 instead of a 500 or a
 * stalled server.
 */
export function checkQuery(query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    if (SINGLE_STRING.includes(key) && typeof value !== 'string') throw badRequest(`"${key}" must be given once, as a plain value.`);
    if (key.endsWith('_like')) ([] as unknown[]).concat(value).forEach((pattern) => checkPattern(key, pattern));
  }
  const delay = query._delay;
  if (typeof delay === 'string' && Number.parseFloat(delay) > MAX_DELAY_MS) throw badRequest(`"_delay" may be at most ${MAX_DELAY_MS} ms.`);
}
