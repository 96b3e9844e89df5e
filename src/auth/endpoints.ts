import type { Request } from 'express';

/** Registration and login, with json-server-auth's aliases (README "Migrating from json-server-auth"). */
export const REGISTER_PATHS = ['/auth/register', '/register', '/signup'];
export const LOGIN_PATHS = ['/auth/login', '/login', '/signin'];

const ALIASES = new Set([...LOGIN_PATHS, ...REGISTER_PATHS].filter((path) => !path.startsWith('/auth/')));

/**
 * The endpoints that hand out or take tokens: everything under /auth, json-server-auth's aliases, and POST /users
 * where it registers (also its preflight). Express matches routes case-insensitively and with a trailing slash,
 * so this does too.
 */
export function isAuthEndpoint(req: Request, registerAtUsers: boolean): boolean {
  const path = req.path.toLowerCase().replace(/\/+$/, '');
  if (path === '/auth' || path.startsWith('/auth/') || ALIASES.has(path)) return true;
  if (!registerAtUsers || path !== '/users') return false;
  return req.method === 'POST' || (req.method === 'OPTIONS' && String(req.headers['access-control-request-method']).toUpperCase() === 'POST');
}
