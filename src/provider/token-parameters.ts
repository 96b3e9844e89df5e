import type { Request } from 'express';
import { tokenError } from './token-errors';

/** The parameters of a token request, form-urlencoded or JSON. */
export type Body = Record<string, unknown>;

export function bodyOf(req: Request): Body {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw tokenError('invalid_request', 'Send the parameters as an application/x-www-form-urlencoded (or JSON object) body.');
  return body as Body;
}

/** A parameter given once, as text (RFC 6749 §3.2: never repeated); undefined when absent and not required. */
export function parameter(body: Body, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw tokenError('invalid_request', `"${name}" must be given once, as text.`);
  return value;
}

/** A parameter that must be there (invalid_request when it is not). */
export function required(body: Body, name: string): string {
  const value = parameter(body, name);
  if (value === undefined) throw tokenError('invalid_request', `"${name}" is required.`);
  return value;
}
