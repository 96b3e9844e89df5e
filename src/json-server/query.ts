import { badRequest } from '../errors';
import { compileLike } from './like';

// json-server's query parameters that it reads as one string. Repeated (`?q=a&q=b`), json-server 0.17.4 uses the
// first for `q`, `_page`, `_limit`, `_start` and `_end`, and throws for `_sort` and `_order`: here each takes its
// first value. An object (`?q[a]=1`) is a 400. (`_delay` is served, and taken out, before: http/delay.ts.)
const SINGLE_STRING = ['q', '_sort', '_order', '_page', '_limit', '_start', '_end'];
// Each pattern is compiled and run over every record: a few alternatives are a use, hundreds an attack.
const MAX_LIKE_VALUES = 20;

/**
 * Checks and normalises the query parameters json-server interprets, so a hostile query is a 400 instead of a 500
 * or a stalled server. `_like` patterns are compiled here once to be refused early (see json-server/like.ts).
 */
export function checkQuery(query: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(query)) {
    if (SINGLE_STRING.includes(key)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first !== 'string') throw badRequest(`"${key}" must be a plain value, like ?${key}=value.`);
      query[key] = first;
    }
    if (key.endsWith('_like')) {
      const patterns = [...new Set([value].flat())];
      if (patterns.length > MAX_LIKE_VALUES) throw badRequest(`"${key}" is given more than ${MAX_LIKE_VALUES} times.`);
      patterns.forEach((pattern) => compileLike(key, pattern));
    }
  }
}
