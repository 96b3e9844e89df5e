import type { RequestHandler } from 'express';
import { makeDataGate } from '../access/gate';
import { makeAccessGuard } from '../access/guard';
import { makeOwnerField, type OwnershipContext } from '../access/owner';
import { makeAccessPolicy, type AccessPolicy } from '../access/policy';
import { compileRules, type RuleMatcher } from '../access/rules/match';
import type { Authenticator } from '../auth/authenticate';
import type { ResolvedOptions } from '../config/options';
import { DeleteCascade } from '../json-server/delete-cascade';
import type { IdLedger } from '../json-server/ids';
import { indexResources, type ResourceIndex } from '../json-server/resolve';
import type { DataGate } from '../json-server/router';
import type { Stores } from './stores';

export interface AccessParts {
  /** json-server's resources as they were at start: the routes it has. */
  resources: ResourceIndex;
  rules: RuleMatcher;
  policy: AccessPolicy;
  /** Which dependents a DELETE may remove: the data gate sets it, json-server's cascade reads it. */
  cascade: DeleteCascade;
  /** The decision that depends on the data, right before json-server's data step. */
  dataGate: DataGate;
  /** The decision before the data: resolves the request, refuses early (before any --middlewares). */
  guard: RequestHandler;
}

/** The policy of routes.json's rules and the server's own, over json-server's resources: what the guard and the OpenAPI document share. */
export function makePolicy(options: ResolvedOptions, { database, accounts, routes }: Pick<Stores, 'database' | 'accounts' | 'routes'>) {
  const resources = indexResources(database.db.getState());
  const collections = [...resources.values()].filter(({ kind }) => kind === 'collection').map(({ name }) => name);
  const ownership: OwnershipContext = {
    data: () => database.db.getState(),
    idField: options.id,
    ownerField: makeOwnerField(options.id, options.foreignKeySuffix),
    accountId: (callerId) => accounts.loadedById(callerId)?.id ?? callerId,
  };
  const rules = compileRules(routes.rules, collections);
  const { accountsCollection } = database;
  const policy = makeAccessPolicy({ rules, defaultAccess: options.defaultAccess, ownership, readOnly: options.readOnly, accountsCollection });
  return { resources, collections, ownership, rules, policy };
}

/** routes.json's rules and the server's own, decided in one policy, enforced by the guard and the data gate. */
export function makeAccess(options: ResolvedOptions, stores: Stores, ledger: IdLedger, authenticator: Authenticator): AccessParts {
  const { resources, collections, ownership, rules, policy } = makePolicy(options, stores);
  const { accountsCollection } = stores.database;
  const customRoutes = options.middlewares.length > 0;
  const cascade = new DeleteCascade();
  const { dataGate, precheck } = makeDataGate({
    policy,
    ownership,
    ledger,
    cascade,
    collections: new Set(collections),
    accountsCollection,
    publicEmails: options.publicEmails,
    // Right before the data step: the caller's session may have ended while the request waited (_delay, --delay, --middlewares).
    recheckSession: authenticator.recheckSession,
  });
  const guard = makeAccessGuard({ resources, policy, foreignKeySuffix: options.foreignKeySuffix, customRoutes: customRoutes ? precheck : undefined });
  return { resources, rules, policy, cascade, dataGate, guard };
}
