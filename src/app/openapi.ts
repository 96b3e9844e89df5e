import path from 'node:path';
import type { Request } from 'express';
import type { ResolvedOptions } from '../config/options';
import { makeOwnerField } from '../access/owner';
import { serverOrigin } from '../auth/issuer-policy';
import { USERS_COLLECTION } from '../json-server/database';
import { buildOpenApiDocument } from '../openapi/document';
import { makePolicy } from './access';
import type { Stores } from './stores';

// The version of fake-jwt-api that describes the API (the same path from src/app and dist/app).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

type DocumentStores = Pick<Stores, 'database' | 'accounts' | 'routes'>;

/**
 * The OpenAPI document of a server (README "OpenAPI and typed clients"), as a client at `serverUrl` sees it: the
 * resources json-server registered at start, with schemas from the data now, and the policy the guard enforces.
 */
export function openApiDocument(
  options: ResolvedOptions,
  stores: DocumentStores,
  serverUrl: string,
  { resources, policy, rules }: Pick<ReturnType<typeof makePolicy>, 'resources' | 'policy' | 'rules'> = makePolicy(options, stores),
): Record<string, unknown> {
  const { database } = stores;
  return buildOpenApiDocument({
    title: typeof options.db === 'string' ? `${path.basename(options.db)} · fake-jwt-api` : 'fake-jwt-api',
    version,
    serverUrl,
    resources: [...resources.values()],
    data: database.db.getState() as Record<string, unknown>,
    whoMay: (method, canonicalPath) => policy.whoMay(method, canonicalPath),
    hasItemRules: (collection) => rules.hasItemRules(collection),
    hiddenFields: (collection) => (database.accountsCollection && !options.publicEmails && collection === USERS_COLLECTION ? ['email'] : []),
    writeBan: (resource) => policy.writeBan(resource),
    ownerField: makeOwnerField(options.id, options.foreignKeySuffix),
    idField: options.id,
    foreignKeySuffix: options.foreignKeySuffix,
    registerAtUsers: database.accountsCollection,
    rewrites: stores.routes.rewrites,
    auth: {
      cookieMode: options.cookie,
      loginField: options.loginField,
      allowClientTtl: options.allowClientTtl,
      passwordMinLength: options.passwordMinLength,
      // With HS256 there is no key pair, so no OpenID provider (app/provider.ts).
      provider: options.alg !== 'HS256',
      allowReset: options.allowReset,
      alg: options.alg,
      requireVerifiedEmail: options.requireVerifiedEmail,
    },
  });
}

/**
 * The document, built again only when the data changed (Database changeCount): building it reads every collection
 * (a third of a second for 30 collections of 1000 records), and anyone may ask for it, so a loop of requests must
 * not keep the server busy. One document for every origin: it names the server as SERVER_URL_PLACEHOLDER, which
 * the routes replace in its text with the origin of each request (a cache per origin was emptied by a caller
 * cycling through Host names).
 */
export function cachedDocument(build: () => Record<string, unknown>, changeCount: () => number): () => Record<string, unknown> {
  let last: { at: number; document: Record<string, unknown> } | undefined;
  return () => {
    if (last?.at !== changeCount()) last = { at: changeCount(), document: build() };
    return last.document;
  };
}

/** The reference page's path: `/docs`, unless db.json has a resource of that name, which keeps it. */
export const docsPathOf = (resourceNames: Iterable<string>) => ([...resourceNames].some((name) => name.toLowerCase() === 'docs') ? '/__docs' : '/docs');

/** For GET /openapi.json: the origin the request addressed (the Host check vetted it). */
export const requestServerUrl = (req: Request) => serverOrigin(req, 'http://localhost:3000');
