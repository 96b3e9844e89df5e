import type { Request, RequestHandler } from 'express';
import { callerClaims } from '../auth/authenticate';
import { badRequest, forbidden } from '../errors';
import { noRouteError } from '../http/errors';
import type { DataGates } from './gate';
import { USERS_COLLECTION } from '../json-server/database';
import { applyMethodOverride } from '../json-server/method-override';
import { isRead, requireDbReader, type AccessPolicy } from './policy';
import { checkQuery } from '../json-server/query';
import { resolveRequest, type ResolvedRequest, type ResourceIndex, type Target } from '../json-server/resolve';

export type { DefaultAccess } from './policy';

export interface AccessGuardOptions {
  resources: ResourceIndex;
  policy: AccessPolicy;
  foreignKeySuffix: string;
  /**
   * --middlewares, when given, run between this guard and the data: the guard then also asks the data gate, so they
   * see only requests the gate would let through (the gate decides again when the data step runs).
   */
  customRoutes: DataGates['precheck'] | undefined;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the guard when the request was resolved to a json-server resource. */
    resolved?: ResolvedRequest;
  }
}

function splitUrl(url: string): { pathname: string; search: string } {
  const query = url.indexOf('?');
  return query === -1 ? { pathname: url, search: '' } : { pathname: url.slice(0, query), search: url.slice(query) };
}

/**
 * Stands between the auth routes and json-server: resolves each request to the resource json-server would
 * serve, checks the request's shape, refuses what the rules refuse (as early as possible, and before any
 * --middlewares), and rewrites the request to its canonical form (see resolve.ts). Paths json-server has no route
 * for are a 404 here. Decisions that depend on the data (whose record it is, what a list may show) are the data
 * gate's (gate.ts), made immediately before json-server runs.
 */
export function makeAccessGuard(options: AccessGuardOptions): RequestHandler {
  const { resources, policy, foreignKeySuffix, customRoutes } = options;

  function checkShape(req: Request, target: Exclude<Target, { kind: 'db' }>): void {
    if (isRead(req.method)) return;
    const ban = policy.writeBan(target.resource.name);
    if (ban) throw forbidden(ban.message);
    if (target.resource.name === USERS_COLLECTION && 'password' in (req.body as object)) {
      throw badRequest("Passwords never go into json-server's data: accounts live in users.json and change through /auth.");
    }
  }

  /**
   * What json-server's nested route does (`/posts/1/comments` filters or stamps `postId`), done here because
   * the canonical URL no longer nests, and done before the checks, so they judge the body json-server will store.
   */
  function applyNesting(req: Request, target: Target): void {
    if (target.kind !== 'collection' || !target.parent) return;
    if (req.method === 'POST') (req.body as Record<string, unknown>)[target.parent.field] = target.parent.id;
    else (req.query as Record<string, unknown>)[target.parent.field] = target.parent.id;
  }

  return function accessGuard(req, res, next) {
    applyMethodOverride(req);
    const { pathname, search } = splitUrl(req.url);
    const resolved = resolveRequest(req.method, pathname, resources, foreignKeySuffix);
    if (!resolved) {
      if (!customRoutes) return next(noRouteError(req));
      // A route of the user's own middlewares, perhaps: its rule in routes.json decides (the default access when
      // none names it), then they may answer it.
      policy.enforce(req, req.method, pathname);
      return next();
    }
    if (req.method === 'OPTIONS') {
      res.set('Allow', resolved.allowedMethods.join(', ')).status(204).end();
      return;
    }
    callerClaims(req); // a token that is sent is always checked: a bad one is a 401, even where none is needed
    const writesBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
    if (writesBody && (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))) {
      throw badRequest('The request body must be a JSON object (send Content-Type: application/json).');
    }
    const { target } = resolved;
    if (target.kind === 'db') requireDbReader(req);
    else checkShape(req, target);
    applyNesting(req, target);
    policy.enforce(req, req.method, resolved.canonicalPath);
    // After the decision: a refused caller gets no pattern compiled.
    checkQuery(req.query as Record<string, unknown>);
    // Rewritten so json-server serves exactly the target that was judged.
    req.url = resolved.canonicalPath + search;
    req.resolved = resolved;
    if (!customRoutes) return next();
    // The user's middlewares see only what the gate would allow now; it decides again when the data is touched.
    if (customRoutes(req, res)) next();
  };
}
