import type { Request, RequestHandler } from 'express';
import { requireAdmin, type Authenticate } from '../auth/authenticate';
import { badRequest, forbidden } from '../errors';
import { noRouteError } from '../http/errors';
import { whoMay, type RuleMatcher } from '../rules/match';
import type { Who } from '../rules/who';
import { USERS_COLLECTION } from '../store/database';
import { decide, refusal, type Verdict } from './decide';
import { restrictEmbeds, type EmbeddedFilter } from './embeds';
import { applyMethodOverride } from './method-override';
import { checkQuery } from './query';
import { applyOwnership, findRecord, isOwnedBy, type OwnershipContext } from './owner';
import { resolveRequest, type ResolvedRequest, type ResourceIndex, type Target } from './resolve';

export type DefaultAccess = 'authenticated' | 'public';

export interface AccessGuardOptions {
  resources: ResourceIndex;
  rules: RuleMatcher;
  ownership: OwnershipContext;
  foreignKeySuffix: string;
  defaultAccess: DefaultAccess;
  readOnly: boolean;
  /** True when `users` is the read-only collection of account profiles. */
  accountsCollection: boolean;
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

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by the guard: trims embedded records the caller may not read from json-server's answer. */
      filterEmbedded?: EmbeddedFilter;
    }
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

function splitUrl(url: string): { pathname: string; search: string } {
  const query = url.indexOf('?');
  return query === -1 ? { pathname: url, search: '' } : { pathname: url.slice(0, query), search: url.slice(query) };
}

const describeRequest = (method: string, path: string) => `${READ_METHODS.has(method) ? 'read' : method} ${path}`;

/**
 * Stands between the auth routes and json-server: resolves each request to the resource json-server would
 * serve, decides on that resource and the method json-server will run, applies owner semantics, and rewrites
 * the request to its canonical form (see resolve.ts). Paths json-server has no route for are a 404 here.
 */
export function makeAccessGuard(options: AccessGuardOptions): RequestHandler {
  const { resources, rules, ownership, foreignKeySuffix, readOnly, accountsCollection, customRoutes, authenticate } = options;
  const defaultWho: readonly Who[] = [{ kind: options.defaultAccess }];
  const collections = new Set([...resources.values()].filter((resource) => resource.kind === 'collection').map((resource) => resource.name));

  /** The verdict of the rule for `method` on a canonical path (the default access when no rule names it). */
  function verdictFor(req: Request, method: string, canonicalPath: string): Verdict {
    return decide(whoMay(rules.ruleFor(canonicalPath), method) ?? defaultWho, authenticate(req));
  }

  function enforce(req: Request, method: string, canonicalPath: string): Verdict {
    const verdict = verdictFor(req, method, canonicalPath);
    if (verdict.pass === 'none') throw refusal(verdict, describeRequest(method, canonicalPath));
    return verdict;
  }

  /** SPEC §6: reading /posts/1/comments also needs the right to read post 1. */
  function enforceParentRead(req: Request, parent: NonNullable<Extract<Target, { kind: 'collection' }>['parent']>): void {
    const resource = resources.get(parent.name.toLowerCase());
    if (!resource || resource.kind !== 'collection') return; // json-server filters on it all the same; nothing to read
    const path = `/${resource.name}/${encodeURIComponent(parent.id)}`;
    const verdict = enforce(req, 'GET', path);
    if (verdict.pass !== 'owner') return;
    const record = findRecord(ownership.data()[resource.name], ownership.idField, parent.id);
    if (!isOwnedBy(record, ownership.ownerField(resource.name), verdict.callerId)) {
      throw forbidden(`${resource.name} ${parent.id} belongs to someone else; the rule lets you read only your own.`);
    }
  }

  function checkAccess(req: Request, resolved: ResolvedRequest): void {
    const { target } = resolved;
    if (target.kind === 'db') {
      requireAdmin(authenticate, req, 'GET /db shows all the data and');
      return;
    }
    const writes = !READ_METHODS.has(req.method);
    if (writes && readOnly) throw forbidden('The server runs with --read-only: resources can be read, not changed.');
    if (writes && accountsCollection && target.resource.name === USERS_COLLECTION) {
      throw forbidden('The users resource shows the accounts and is read-only; accounts change through /auth (POST /auth/register, PATCH /auth/me).');
    }
    if (writes && target.resource.name === USERS_COLLECTION && 'password' in (req.body as object)) {
      throw badRequest('Passwords never go into json-server\'s data: accounts live in users.json and change through /auth.');
    }
    const verdict = enforce(req, req.method, resolved.canonicalPath);
    if (verdict.pass === 'owner') applyOwnership(req, target, verdict.callerId, ownership);
    if (target.kind === 'collection' && target.parent) enforceParentRead(req, target.parent);
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
      // A route of the user's own middlewares, perhaps: it gets the default access, then they may answer it.
      const verdict = decide(defaultWho, authenticate(req));
      if (verdict.pass === 'none') throw refusal(verdict, describeRequest(req.method, pathname));
      return next();
    }
    if (req.method === 'OPTIONS') {
      res.set('Allow', resolved.allowedMethods.join(', ')).status(204).end();
      return;
    }
    authenticate(req); // a token that is sent is always checked: a bad one is a 401, even where none is needed
    const writesBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
    if (writesBody && (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))) {
      throw badRequest('The request body must be a JSON object (send Content-Type: application/json).');
    }
    checkQuery(req.query as Record<string, unknown>);
    applyNesting(req, resolved.target);
    checkAccess(req, resolved);
    const { target } = resolved;
    if (target.kind === 'collection' && target.id !== undefined && !READ_METHODS.has(req.method)) {
      const record = findRecord(ownership.data()[target.resource.name], ownership.idField, target.id);
      // json-server's own answer, without its side effects: its DELETE would still run the cascade and write.
      if (!record) return void res.status(404).json({});
      if (req.method === 'PUT' || req.method === 'PATCH') ownership.beforeChange(record);
    }
    if (READ_METHODS.has(req.method) && resolved.target.kind === 'collection') {
      res.locals.filterEmbedded = restrictEmbeds(req, collections, (collection) => verdictFor(req, 'GET', `/${collection}`), ownership.ownerField);
    }
    // Rewritten so json-server serves exactly the target that was judged.
    req.url = resolved.canonicalPath + search;
    req.resolved = resolved;
    next();
  };
}
