import pluralize from 'pluralize';

/**
 * Where a request will land in json-server, decided once, by us, before json-server sees it.
 *
 * json-server matches paths case-insensitively, ignores a trailing slash, decodes parameters, and turns
 * `/:parent/:id/:child` into `/:child?parentId=:id` (GET) or stamps `parentId` into the body (POST). An access
 * check that parsed paths its own way could be talked into judging one resource while json-server serves
 * another. So this module resolves the request to a target, the guard judges that target, and the request is
 * rewritten to the one canonical URL that json-server can only read as that same target.
 */

export type ResourceKind = 'collection' | 'singular';

export interface Resource {
  name: string;
  kind: ResourceKind;
}

export type Target =
  | { kind: 'db' }
  | { kind: 'collection'; resource: Resource; id?: string; parent?: { name: string; id: string; field: string } }
  | { kind: 'singular'; resource: Resource };

export interface ResolvedRequest {
  target: Target;
  /** The path json-server must see: the resource's own name, and the item id percent-encoded once. */
  canonicalPath: string;
  /** The methods json-server answers at this path (for OPTIONS and for errors). */
  allowedMethods: readonly string[];
}

/** Resource names by lower-cased name, first one winning, as json-server's case-insensitive routes would. */
export type ResourceIndex = ReadonlyMap<string, Resource>;

export function indexResources(data: Record<string, unknown>): ResourceIndex {
  const index = new Map<string, Resource>();
  for (const [name, value] of Object.entries(data)) {
    if (name === '$schema') continue;
    const key = name.toLowerCase();
    if (!index.has(key)) index.set(key, { name, kind: Array.isArray(value) ? 'collection' : 'singular' });
  }
  return index;
}

const LIST_METHODS = ['GET', 'HEAD', 'POST'] as const;
const ITEM_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'] as const;
const SINGULAR_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH'] as const;
const DB_METHODS = ['GET', 'HEAD'] as const;
const NESTED_METHODS = ['GET', 'HEAD', 'POST'] as const;

/** Splits and decodes a raw path; undefined for a path no route of json-server's could match. */
function pathSegments(pathname: string): string[] | undefined {
  if (!pathname.startsWith('/')) return undefined;
  const raw = pathname.slice(1).split('/');
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop(); // one trailing slash, as Express allows
  try {
    const segments = raw.map((segment) => decodeURIComponent(segment));
    return segments.some((segment) => segment === '') ? undefined : segments;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

// The resource name goes in as json-server registered it (its route is `/${name}`); the id is encoded once,
// because Express decodes route parameters.
export const itemPath = (name: string, id: unknown) => `/${name}/${encodeURIComponent(String(id))}`;

/**
 * Resolves `method pathname` (after rewrites and method override) to what json-server will serve, or undefined
 * when json-server has no route for it. `foreignKeySuffix` follows --fks, as json-server's nested routes do.
 */
export function resolveRequest(method: string, pathname: string, resources: ResourceIndex, foreignKeySuffix: string): ResolvedRequest | undefined {
  const segments = pathSegments(pathname);
  if (!segments || segments.length === 0) return undefined;
  const allows = (methods: readonly string[]) => method === 'OPTIONS' || methods.includes(method);

  if (segments.length === 1 && segments[0].toLowerCase() === 'db' && allows(DB_METHODS)) {
    return { target: { kind: 'db' }, canonicalPath: '/db', allowedMethods: DB_METHODS };
  }

  if (segments.length === 3 && allows(NESTED_METHODS)) {
    const [parentName, parentId, childName] = segments;
    const child = resources.get(childName.toLowerCase());
    if (!child || child.kind !== 'collection') return undefined;
    const field = `${pluralize.singular(parentName)}${foreignKeySuffix}`;
    return {
      target: { kind: 'collection', resource: child, parent: { name: parentName, id: parentId, field } },
      canonicalPath: `/${child.name}`,
      allowedMethods: NESTED_METHODS,
    };
  }

  const resource = resources.get(segments[0].toLowerCase());
  if (!resource) return undefined;
  const base = `/${resource.name}`;
  if (resource.kind === 'singular') {
    if (segments.length !== 1 || !allows(SINGULAR_METHODS)) return undefined;
    return { target: { kind: 'singular', resource }, canonicalPath: base, allowedMethods: SINGULAR_METHODS };
  }
  if (segments.length === 1 && allows(LIST_METHODS)) {
    return { target: { kind: 'collection', resource }, canonicalPath: base, allowedMethods: LIST_METHODS };
  }
  if (segments.length === 2 && allows(ITEM_METHODS)) {
    return { target: { kind: 'collection', resource, id: segments[1] }, canonicalPath: itemPath(resource.name, segments[1]), allowedMethods: ITEM_METHODS };
  }
  return undefined;
}
