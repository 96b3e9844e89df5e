import type { Request, RequestHandler } from 'express';
import { requireAuthentication, type Authenticate } from '../auth/authenticate';
import { insufficientRole } from '../auth/challenge';
import { badRequest, forbidden } from '../errors';
import { noRouteError } from '../http/errors';
import { USERS_COLLECTION } from '../store/database';
import { applyMethodOverride } from './method-override';
import { resolveRequest, type ResolvedRequest, type ResourceIndex } from './resolve';

export type DefaultAccess = 'authenticated' | 'public';

export interface AccessGuardOptions {
  resources: ResourceIndex;
  foreignKeySuffix: string;
  defaultAccess: DefaultAccess;
  readOnly: boolean;
  /** True when `users` is the read-only collection of account profiles. */
  virtualUsers: boolean;
  /** True when --middlewares may answer paths that are not resources. */
  customRoutes: boolean;
  authenticate: Authenticate;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the guard when the request was resolved to a json-server resource. */
    resolved?: ResolvedRequest;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const ADMIN_ROLE = 'admin';

function splitUrl(url: string): { pathname: string; search: string } {
  const query = url.indexOf('?');
  return query === -1 ? { pathname: url, search: '' } : { pathname: url.slice(0, query), search: url.slice(query) };
}

/**
 * Stands between the auth routes and json-server: resolves each request to the resource json-server would
 * serve, checks the caller may do that, and rewrites the request to its canonical form (see resolve.ts).
 * Paths json-server has no route for are a 404 here, with or without a token.
 */
export function makeAccessGuard(options: AccessGuardOptions): RequestHandler {
  const { resources, foreignKeySuffix, defaultAccess, readOnly, virtualUsers, customRoutes, authenticate } = options;

  function checkAccess(req: Request, resolved: ResolvedRequest): void {
    const { target } = resolved;
    if (target.kind === 'db') {
      const claims = requireAuthentication(authenticate, req);
      if (claims.role !== ADMIN_ROLE) throw insufficientRole('GET /db shows all the data and is for the admin role only.');
      return;
    }
    if (defaultAccess === 'authenticated') requireAuthentication(authenticate, req);
    else authenticate(req); // a token that is sent is still checked: a bad one is a 401, never ignored
    if (READ_METHODS.has(req.method)) return;
    if (readOnly) throw forbidden('The server runs with --read-only: resources can be read, not changed.');
    if (virtualUsers && target.resource.name === USERS_COLLECTION) {
      throw forbidden('The users resource shows the accounts and is read-only; accounts change through /auth (POST /auth/register).');
    }
  }

  /** Rewrites the request so json-server serves exactly the target that was judged. */
  function canonicalize(req: Request, resolved: ResolvedRequest, search: string): void {
    const { target } = resolved;
    req.url = resolved.canonicalPath + search;
    if (target.kind !== 'collection' || !target.parent) return;
    // What json-server's nested route does, done here because the canonical URL no longer nests.
    if (req.method === 'POST') (req.body as Record<string, unknown>)[target.parent.field] = target.parent.id;
    else (req.query as Record<string, unknown>)[target.parent.field] = target.parent.id;
  }

  return function accessGuard(req, res, next) {
    applyMethodOverride(req);
    const { pathname, search } = splitUrl(req.url);
    const resolved = resolveRequest(req.method, pathname, resources, foreignKeySuffix);
    if (!resolved) {
      if (!customRoutes) return next(noRouteError(req));
      // A route of the user's own middlewares, perhaps: it gets the default access, then they may answer it.
      if (defaultAccess === 'authenticated') requireAuthentication(authenticate, req);
      return next();
    }
    if (req.method === 'OPTIONS') {
      res.set('Allow', resolved.allowedMethods.join(', ')).status(204).end();
      return;
    }
    checkAccess(req, resolved);
    const writesBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
    if (writesBody && (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))) {
      throw badRequest('The request body must be a JSON object (send Content-Type: application/json).');
    }
    canonicalize(req, resolved, search);
    req.resolved = resolved;
    next();
  };
}
