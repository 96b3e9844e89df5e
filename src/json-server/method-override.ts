import { METHODS } from 'node:http';
import type { Request } from 'express';

const OVERRIDE_HEADER = 'x-http-method-override';

/**
 * json-server's router runs `method-override` with its defaults: a POST carrying `X-HTTP-Method-Override: X`
 * is handled as X. We apply that same rule first and drop the header, so the method the guard judges is the
 * method json-server runs, and json-server has nothing left to override.
 */
export function applyMethodOverride(req: Request): void {
  const header = req.headers[OVERRIDE_HEADER];
  if (header === undefined) return;
  delete req.headers[OVERRIDE_HEADER];
  if (req.method !== 'POST') return;
  const value = Array.isArray(header) ? header[0] : header;
  const method = value.toUpperCase();
  if (METHODS.includes(method)) req.method = method;
}
