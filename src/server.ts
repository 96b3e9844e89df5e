import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Express, RequestHandler } from 'express';
import jsonServer from 'json-server';
import { makeDataGate } from './access/gate';
import { makeAccessGuard } from './access/guard';
import type { OwnershipContext } from './access/owner';
import { makeAccessPolicy } from './access/policy';
import { indexResources } from './access/resolve';
import { checkRules, refuseRuleErrors } from './rules/check';
import { compileRules } from './rules/match';
import { parseRoutes, type RoutesConfig } from './rules/parse';
import { readRoutesFile } from './rules/routes-file';
import { makeAuthenticate, requireAdmin } from './auth/authenticate';
import { makeDecoyFor } from './auth/decoys';
import type { CookieSettings } from './auth/cookies';
import { makeAuthRoutes } from './auth/routes';
import { makeSessionCatchUp } from './auth/session-catch-up';
import { makeSessionIssuer } from './auth/session-issuer';
import { makeTokenService, SIGNING_ALGORITHM } from './auth/tokens';
import { describeApi, type ApiDescription } from './describe';
import { ConfigError } from './errors';
import { errorHandler, noRouteError, notFoundHandler, sendApiError, toApiError } from './http/errors';
import { makeHomePage } from './http/home';
import { makeAuthOriginGate, makeCorsHeaders } from './http/cors';
import { makeHostCheck } from './http/host-check';
import { makeDelay } from './http/delay';
import { makeRequestLog } from './http/request-log';
import { emptyOptionsAnswers } from './http/options-requests';
import { bodyLimits } from './http/body-limits';
import { makeStaticFiles } from './http/static-files';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options';
import { dbCollectionSource, usersFileSource } from './store/account-sources';
import { AccountStore } from './store/account-store';
import { roleOf } from './store/accounts-file';
import { installDataLayer } from './json-server/data-layer';
import { DeleteCascade, limitDeleteCascade } from './json-server/delete-cascade';
import { IdLedger } from './json-server/ids';
import { makeJsonServerRouter } from './json-server/router';
import { loadData, openDatabase, USERS_COLLECTION, type Data, type Database } from './store/database';
import { SessionStore } from './store/sessions';
import { accountIdsFileFor, loadSigningKey, sessionsFileFor, STATE_DIR_NAME, stateFileFor } from './store/state';

/** Headers a browser app must be able to read: the 401 challenge, and json-server's paging headers. */
const EXPOSED_HEADERS = ['WWW-Authenticate', 'X-Total-Count', 'Link', 'Location'];

export interface FakeJwtApi {
  /** The Express app: hand it to http.createServer, or to supertest. It never listens by itself. */
  app: Express;
  database: Database;
  accounts: AccountStore;
  sessions: SessionStore;
  options: ResolvedOptions;
  routes: RoutesConfig;
  /** What the start-time check of the routes warned of (the banner says it); roles given later are not seen. */
  warnings: string[];
  describe(): ApiDescription;
  /** Resolves once every change is on disk; call it after the HTTP server stopped taking requests. */
  close(): Promise<void>;
  /** Data and accounts back to how they were at start, every session ended; resolves once saved. */
  reset(): Promise<void>;
}

function loadRoutes(routes: ResolvedOptions['routes']): RoutesConfig {
  if (routes === undefined) return { rewrites: {}, rules: [] };
  return typeof routes === 'string' ? readRoutesFile(routes) : parseRoutes('the routes option', routes);
}

const holdsPasswords = (records: unknown): records is unknown[] =>
  Array.isArray(records) && records.some((record) => record !== null && typeof record === 'object' && 'password' in record);

/**
 * SPEC §3, where accounts live: users.json when it exists; else, when db.json's `users` records carry
 * passwords (a json-server-auth project), that collection. Either way json-server's data never holds password
 * material: it sees the accounts' public profiles only.
 */
async function openAccounts(options: ResolvedOptions, data: Data, file: string | undefined): Promise<{ accounts: AccountStore; database: Database }> {
  const where = file ?? 'the db option';
  const users = data[USERS_COLLECTION];
  if (holdsPasswords(users) && !existsSync(options.users)) {
    const database = await openDatabase(data, file, { accountsHome: 'db-collection', keepExternalEdits: options.keepExternalEdits });
    const source = dbCollectionSource(`${where} (users)`, users, (accounts) => database.saveStoredAccounts(accounts), accountIdsFileFor(options.users));
    return { accounts: await AccountStore.open(source), database };
  }
  if (holdsPasswords(users)) {
    throw new ConfigError(`${where}: the "users" collection holds passwords, but the accounts live in ${options.users}; move those accounts into it (same fields) and remove them from ${path.basename(where)}`);
  }
  const database = await openDatabase(data, file, { accountsHome: 'users-file', keepExternalEdits: options.keepExternalEdits });
  return { accounts: await AccountStore.open(usersFileSource(options.users)), database };
}

/** What a reload under --watch hands on to the new app, so two stores never write one file. */
export interface SharedState {
  sessions?: SessionStore;
}

/** Builds the app: json-server's defaults → auth routes → access guard → json-server's router. */
export async function createServer(serverOptions: ServerOptions, shared: SharedState = {}): Promise<FakeJwtApi> {
  const options = resolveOptions(serverOptions);
  const routes = loadRoutes(options.routes);
  const [{ accounts, database }, key, sessions] = await Promise.all([
    loadData(options.db).then(({ data, file }) => openAccounts(options, data, file)),
    loadSigningKey(options.secret, stateFileFor(options.users)),
    shared.sessions ??
    SessionStore.open({
      file: sessionsFileFor(options.users),
      now: options.now,
      refreshTtlSeconds: options.refreshTtlSeconds,
      sessionTtlSeconds: options.sessionTtlSeconds,
      accessTtlSeconds: options.accessTtlSeconds,
    }),
  ]);
  database.setAccountProfiles(accounts.publicUsers());
  // SPEC §6: the owner field is userId (following --fks); for the users collection, the record's own id.
  const ownerField = (resource: string) => (resource === USERS_COLLECTION ? options.id : `user${options.foreignKeySuffix}`);
  // Before anything starts watching: a rule that would not protect what it names stops the start here.
  const rulesCheck = await checkRules({
    where: typeof options.routes === 'string' ? options.routes : 'the routes option',
    routes,
    resources: indexResources(database.db.getState()).values(),
    roles: accounts.snapshot().map(roleOf),
    data: database.db.getState(),
    ownerField,
    customRoutes: options.middlewares.length > 0,
  });
  refuseRuleErrors(rulesCheck);
  // Sessions of accounts that are gone end at once: deleted or replaced (another account with the id, an email
  // edited by hand), by hand or while the server was down. A newcomer never inherits them.
  const endOrphanSessions = () => sessions.endOrphans((userId) => accounts.identityOf(userId));
  await endOrphanSessions();
  // The checks after a change run one after another, and close() waits for the last.
  let orphanChecks = Promise.resolve();
  accounts.onChange((users) => {
    database.setAccountProfiles(users);
    orphanChecks = orphanChecks.then(endOrphanSessions).catch((error: unknown) => console.error('fake-jwt-api: could not save the sessions:', error));
  });
  const stopWatchingAccounts = options.watchUsers && accounts.name === options.users ? accounts.watchForEdits(options.users) : () => undefined;
  const ledger = await IdLedger.open(path.join(path.dirname(options.users), STATE_DIR_NAME, 'ids.json'), database.file, database.db.getState(), options.id);
  database.writeAfter(() => ledger.settled());
  const collectionName = (collection: unknown[]) => {
    const state = database.db.getState();
    return Object.keys(state).find((name) => state[name] === collection);
  };
  const resources = indexResources(database.db.getState());
  const ownership: OwnershipContext = {
    data: () => database.db.getState(),
    idField: options.id,
    ownerField,
    accountId: (callerId) => accounts.byId(callerId)?.id ?? callerId,
  };

  const tokens = makeTokenService({
    key,
    algorithm: SIGNING_ALGORITHM,
    issuer: options.issuer,
    audience: options.audience,
    accessTtlSeconds: options.accessTtlSeconds,
    now: options.now,
  });
  const authenticate = makeAuthenticate(tokens, sessions, accounts);
  const cookie: CookieSettings | undefined = options.cookie
    ? { secure: options.cookieSecure, sameSite: options.cookieSameSite, allowedOrigins: options.corsOrigins }
    : undefined;
  const issuer = makeSessionIssuer({ tokens, sessions, cookie, singleSession: options.singleSession, now: options.now });
  const describe = () =>
    describeApi({
      resources: resources.values(),
      accounts: accounts.snapshot(),
      rewrites: routes.rewrites,
      rules: matcher,
      defaultAccess: options.defaultAccess,
      readOnly: options.readOnly,
      accountsCollection: database.accountsCollection,
      warnings: rulesCheck.warnings,
    });

  const matcher = compileRules(routes.rules, [...resources.values()].filter(({ kind }) => kind === 'collection').map(({ name }) => name));
  const policy = makeAccessPolicy({ rules: matcher, defaultAccess: options.defaultAccess, authenticate, ownership });
  const customRoutes = options.middlewares.length > 0;
  const cascade = new DeleteCascade();
  const { dataGate, precheck } = makeDataGate({
    policy,
    ownership,
    ledger,
    cascade,
    authenticate,
    collections: new Set([...resources.values()].filter((resource) => resource.kind === 'collection').map((resource) => resource.name)),
    foreignKeySuffix: options.foreignKeySuffix,
    accountsCollection: database.accountsCollection,
    publicEmails: options.publicEmails,
    reauthenticate: customRoutes,
  });
  const router = makeJsonServerRouter(database.db, options.foreignKeySuffix, dataGate);
  // After the router, which mixes lodash-id and json-server's own helpers into our lowdb instance.
  database.db._.id = options.id;
  installDataLayer(database.db, { ledger, collectionName, changed: (record) => database.forgetRecord(record) });
  limitDeleteCascade(database.db, options.foreignKeySuffix, collectionName, cascade);
  const app = jsonServer.create();
  app.disable('x-powered-by');
  app.use(makeHostCheck(options.allowedHosts)); // DNS rebinding: only names that cannot be pointed here by a stranger
  // Data answers any origin, as json-server; the auth endpoints only pages that may get a token (http/cors.ts).
  const authOrigins = { corsOrigins: options.corsOrigins, registerAtUsers: database.accountsCollection };
  const hasRewrites = Object.keys(routes.rewrites).length > 0;
  if (options.cors) app.use(makeCorsHeaders({ ...authOrigins, exposedHeaders: EXPOSED_HEADERS, preflightsWaitForRewrites: hasRewrites }));
  router.render = (req, res) => {
    // json-server's list and create routes overwrite the exposed headers with their own; put ours back.
    if (options.cors) res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    const send = () => res.jsonp(res.locals.data);
    // Reads answer at once; a change answers only once it is on disk (group commit: see store/group-commit.ts).
    if (req.method === 'GET' || req.method === 'HEAD') send();
    else database.settled().then(send, (error: unknown) => sendApiError(res, toApiError(error)));
  };
  if (options.logger) app.use(makeRequestLog());
  const defaults = jsonServer.defaults({
    logger: false, // ours above: it also says who asked
    noCors: true, // ours above, or none: json-server's --no-cors flag never turned it off
    noGzip: !options.gzip,
    bodyParser: false,
    readOnly: false, // ours, in the guard: a JSON 403, and /auth keeps working
    static: path.join(__dirname, 'no-static-folder'),
  });
  // json-server's static files would fall back to its bundled page, and cost a stat() per request even with no
  // folder; ours (below) guard the server's own files and run only when there is a folder.
  app.use(defaults.filter((middleware) => middleware.name !== 'serveStatic'));
  if (options.static) {
    const ownFiles = [database.file, options.users, typeof options.routes === 'string' ? options.routes : undefined, path.dirname(stateFileFor(options.users))];
    app.use(makeStaticFiles(options.static, ownFiles.filter((own): own is string => own !== undefined)));
  }
  app.use(emptyOptionsAnswers);
  app.use(jsonServer.bodyParser, bodyLimits);
  if (Object.keys(routes.rewrites).length > 0) app.use(jsonServer.rewriter(routes.rewrites));
  app.use(makeAuthOriginGate({ ...authOrigins, answerPreflights: options.cors }));
  app.use(makeSessionCatchUp(authenticate, tokens, sessions));
  app.use(
    makeAuthRoutes({
      accounts,
      sessions,
      issuer,
      tokens,
      cookie,
      authenticate,
      passwordMinLength: options.passwordMinLength,
      decoyFor: makeDecoyFor(key, () => accounts.snapshot()),
      registerAtUsers: database.accountsCollection,
    }),
  );
  app.get(
    '/',
    makeHomePage(() => ({
      resources: describe().resources,
      demoAccounts: accounts.demoAccounts().map(({ email, role }) => ({ email, role })),
      cookieMode: Boolean(cookie),
      passwordMinLength: options.passwordMinLength,
    })),
  );
  const reset = async () => {
    await accounts.resetToStart();
    await ledger.resetToStart();
    await database.resetToStart();
    await sessions.endAll('reset');
  };
  if (options.allowReset) {
    app.post('/__reset', (req, res, next) => {
      requireAdmin(authenticate, req, 'POST /__reset');
      reset().then(() => res.status(204).end(), next);
    });
  }
  app.use(makeDelay(options.delay)); // before the access decision: see http/delay.ts
  app.use(
    makeAccessGuard({
      resources,
      policy,
      foreignKeySuffix: options.foreignKeySuffix,
      defaultAccess: options.defaultAccess,
      readOnly: options.readOnly,
      accountsCollection: database.accountsCollection,
      customRoutes: customRoutes ? precheck : undefined,
      authenticate,
    }),
  );
  if (options.middlewares.length > 0) {
    app.use(options.middlewares);
    const onlyResolved: RequestHandler = (req, _res, next) => next(req.resolved ? undefined : noRouteError(req));
    app.use(onlyResolved);
  }
  app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    database,
    accounts,
    sessions,
    options,
    routes,
    warnings: rulesCheck.warnings,
    describe,
    close: async () => {
      stopWatchingAccounts();
      await accounts.settled();
      await orphanChecks;
      await ledger.saveMarks(database.persistedState());
      await Promise.all([database.settled(), sessions.settled()]);
    },
    reset,
  };
}
