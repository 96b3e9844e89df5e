import type { RequestHandler } from 'express';
import { badRequest } from '../errors';

// json-server waits `_delay` ms before answering; a cap keeps a client from parking connections for hours.
const MAX_DELAY_MS = 10_000;

/**
 * json-server's delays, `--delay` for every resource response and `?_delay=ms` for one, served *before* the
 * access check. json-server pauses after the check, so a request could be judged, wait, and then act on a record
 * that was deleted and replaced in the meantime. Waiting first means the decision and the data step it permits run
 * together. `_delay` is read as json-server reads it (parseFloat; the first of repeated values) and taken out of
 * the query.
 */
export function makeDelay(defaultDelayMs: number): RequestHandler {
  return function delay(req, _res, next) {
    const query = req.query as Record<string, unknown>;
    const asked = [query._delay].flat()[0];
    if (asked !== undefined && typeof asked !== 'string') throw badRequest('"_delay" must be a plain value, like ?_delay=500.');
    delete query._delay;
    const parsed = asked === undefined ? Number.NaN : Number.parseFloat(asked);
    if (parsed > MAX_DELAY_MS) throw badRequest(`"_delay" may be at most ${MAX_DELAY_MS} ms.`);
    const ms = Number.isNaN(parsed) ? defaultDelayMs : parsed;
    if (ms > 0) setTimeout(next, ms);
    else next();
  };
}
