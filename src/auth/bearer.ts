import type { Request } from 'express';
import { invalidToken } from './challenge';

// RFC 6750 §2.1: `Bearer` (any case), one or more spaces, then a b64token.
const BEARER_HEADER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** The token of an `Authorization: Bearer` header; undefined when there is no header; 401 when it is malformed. */
export function readBearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = BEARER_HEADER.exec(header);
  if (!match) throw invalidToken('the Authorization header must be "Bearer <token>"');
  return match[1];
}
