import type { RequestHandler } from 'express';
import { badRequest } from '../errors';

/**
 * json-server deep-clones and stringifies records recursively: a body nested a few thousand levels deep
 * overflows the stack on every later read of its collection. And keys that shadow Object.prototype's own
 * (`toString`, `constructor`) make json-server's filters throw. Neither is data a prototype needs.
 */
export const MAX_BODY_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty']);

function check(value: unknown, depth: number): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_BODY_DEPTH) throw badRequest(`The request body is nested more than ${MAX_BODY_DEPTH} levels deep.`);
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw badRequest(`"${key}" cannot be a field name.`);
    check(child, depth + 1);
  }
}

export const bodyLimits: RequestHandler = function bodyLimits(req, _res, next) {
  check(req.body, 1);
  next();
};
