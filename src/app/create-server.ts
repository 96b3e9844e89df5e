import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Express, Request, RequestHandler } from 'express';
import jsonServer from 'json-server';
import { makeDataGate } from '../access/gate';
import { makeAccessGuard } from '../access/guard';
import type { OwnershipContext } from '../access/owner';
import { makeAccessPolicy } from '../access/policy';
import { indexResources } from '../json-server/resolve';
import { checkRules, refuseRuleErrors } from '../access/rules/check';
import { compileRules } from '../access/rules/match';
import { parseRoutes, type RoutesConfig } from '../access/rules/parse';
import { readRoutesFile } from '../access/rules/routes-file';
import { makeAuthenticate, requireAdmin } from '../auth/authenticate';
import { makeDecoyFor } from '../auth/decoys';
import type { CookieSettings } from '../auth/cookies';
import { isAuthEndpoint } from '../auth/endpoints';
import { makeAuthRoutes } from '../auth/routes';
import { makeSessionCatchUp } from '../auth/sessions-from-token-command';
import { makeSessionIssuer } from '../auth/session-issuer';
import { makeTokenService, SIGNING_ALGORITHM } from '../auth/tokens';
import { describeApi, type ApiDescription } from '../access/describe';
import { ConfigError } from '../errors';
import { errorHandler, noRouteError, notFoundHandler, sendApiError, toApiError } from '../http/errors';
import { makePlaygroundPage } from '../http/playground-page';
import { makeAuthOriginGate, makeCorsHeaders } from '../http/cors';
import { makeHostCheck } from '../http/host-check';
import { makeDelay } from '../http/delay';
import { makeRequestLog } from '../http/request-log';
import { emptyOptionsAnswers } from '../http/options-requests';
import { bodyLimits } from '../http/body-limits';
import { makeStaticFiles } from '../http/static-files';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from '../config/options';
import { dbCollectionSource, usersFileSource } from '../accounts/account-sources';
import { AccountStore } from '../accounts/account-store';
import { roleOf } from '../accounts/accounts-file';
import { installDataLayer } from '../json-server/data-layer';
import { DeleteCascade, limitDeleteCascade } from '../json-server/delete-cascade';
import { IdLedger } from '../json-server/ids';
import { makeJsonServerRouter } from '../json-server/router';
import { loadData, openDatabase, usersAreAccounts, USERS_COLLECTION, type AccountsHome, type Database, type LoadedData } from '../json-server/database';
import { SessionStore } from '../sessions/session-store';
import { loadSigningKey, readSigningKey } from '../auth/signing-key';
import { ensureStateDir, statePaths, type StatePaths } from '../state/state-dir';

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

interface OpenedAccounts {
  accounts: AccountStore;
  database: Database;
  /** Said at start (the banner's warnings) about where the accounts live. */
  warnings: string[];
}

/**
 * README "Accounts", where accounts live: users.json when it exists; else, when db.json's `users` records carry
 * passwords (a json-server-auth project), that collection. Either way json-server's data never holds password
 * material: it sees the accounts' public profiles only. A `users` collection of plain records beside the accounts
 * would be a second list of users whose ids collide with the accounts' (a record made by POST /users would get
 * another account's id, and own what that account owns): refused beside users.json, and beside no users.json it
 * stays plain data, as json-server serves it, while registration (which would create users.json) is refused.
 * Reads only: the ids given to entries without one are recorded once every check of the start passed.
 */
async function openAccounts(options: ResolvedOptions, loaded: LoadedData, stateFiles: StatePaths): Promise<OpenedAccounts> {
  const where = loaded.file ?? 'the db option';
  const users = loaded.data[USERS_COLLECTION];
  const usersFileExists = existsSync(options.users);
  const openIn = (accountsHome: AccountsHome) => openDatabase(loaded, { accountsHome, reloadsOnEdit: options.keepExternalEdits, onHandEdit: sayHandEditKept });
  if (holdsPasswords(users) && !usersFileExists) {
    const database = await openIn('db-collection');
    const source = dbCollectionSource(`${where} (users)`, users, (records) => database.saveStoredAccounts(records), stateFiles.accountIds);
    return { accounts: await AccountStore.load(source), database, warnings: [] };
  }
  if (holdsPasswords(users)) {
    throw new ConfigError(`${where}: the "users" collection holds passwords, but the accounts live in ${options.users}; move those accounts into it (same fields) and remove them from ${path.basename(where)}`);
  }
  const plainUsers = !usersAreAccounts(loaded.data, 'users-file');
  if (plainUsers && usersFileExists) {
    throw new ConfigError(
      `${where}: its "users" collection and the accounts in ${options.users} are two lists of users whose ids collide (POST /users would give a record another account's id); move those records into ${path.basename(options.users)} (each with an "email" and a "password") or rename the collection in ${path.basename(where)}, like "customers"`,
    );
  }
  const database = await openIn('users-file');
  const accounts = await AccountStore.load(usersFileSource(options.users, stateFiles.dir));
  if (!plainUsers) return { accounts, database, warnings: [] };
  const reason = `${where}: "users" is plain data, not the accounts, so registration is off (an account would get the id of one of its records); move those records into ${path.basename(options.users)} (each with an "email" and a "password") or rename the collection, like "customers"`;
  accounts.refuseNewAccounts(`${reason}.`);
  return { accounts, database, warnings: [reason] };
}

/** Without --watch, a hand edit of db.json is kept, and refused changes say why; the log says it once. */
function sayHandEditKept(file: string): void {
  console.error(`fake-jwt-api: ${file} was edited by hand while the server runs: the edit is kept, and changes are refused (409) until you restart the server; run it with --watch to have edits picked up.`);
}

/** What a reload under --watch hands on to the new app, so two stores never write one file. */
export interface SharedState {
  sessions?: SessionStore;
}

/** Builds the app: json-server's defaults → auth routes → access guard → json-server's router. */
export async function createServer(serverOptions: ServerOptions, shared: SharedState = {}): Promise<FakeJwtApi> {
  const options = resolveOptions(serverOptions);
  const stateFiles = statePaths(options.stateDir);
  // Everything is read and checked before anything is written: a start that fails (a bad file, a rule that would
  // not protect what it names) leaves every file as it was, and creates no folder.
  const routes = loadRoutes(options.routes);
  const [{ accounts, database, warnings: accountWarnings }, sessions] = await Promise.all([
    loadData(options.db).then((loaded) => openAccounts(options, loaded, stateFiles)),
    shared.sessions ??
    SessionStore.open({
      file: stateFiles.sessions,
      now: options.now,
      refreshTtlSeconds: options.refreshTtlSeconds,
      sessionTtlSeconds: options.sessionTtlSeconds,
      accessTtlSeconds: options.accessTtlSeconds,
    }),
    readSigningKey(options.secret, stateFiles.secret),
  ]);
  database.setAccountProfiles(accounts.publicUsers());
  // README "Access rules": the owner field is userId (following --fks); for the users collection, the record's own id.
  const ownerField = (resource: string) => (resource === USERS_COLLECTION ? options.id : `user${options.foreignKeySuffix}`);
  // Before anything starts watching: a rule that would not protect what it names stops the start here.
  const rulesCheck = await checkRules({
    where: typeof options.routes === 'string' ? options.routes : 'the routes option',
    routes,
    resources: indexResources(database.db.getState()).values(),
    roles: [...accounts.snapshot().map(roleOf), options.defaultRole],
    data: database.db.getState(),
    ownerField,
    customRoutes: options.middlewares.length > 0,
  });
  refuseRuleErrors(rulesCheck);
  const warnings = [...accountWarnings, ...rulesCheck.warnings];
  // Every check passed: now the start writes, in the state folder only (a generated secret, the ids given).
  await ensureStateDir(stateFiles.dir);
  const key = await loadSigningKey(options.secret, stateFiles.secret);
  await accounts.recordIds();
  database.setAccountProfiles(accounts.publicUsers());
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
  const ledger = await IdLedger.open(stateFiles.recordIds, database.file, database.db.getState(), options.id);
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
    accountId: (callerId) => accounts.loadedById(callerId)?.id ?? callerId,
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
      warnings,
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
  const authOrigins = { corsOrigins: options.corsOrigins, isAuthEndpoint: (req: Request) => isAuthEndpoint(req, database.accountsCollection) };
  const hasRewrites = Object.keys(routes.rewrites).length > 0;
  if (options.cors) app.use(makeCorsHeaders({ ...authOrigins, exposedHeaders: EXPOSED_HEADERS, preflightsWaitForRewrites: hasRewrites }));
  router.render = (req, res) => {
    // json-server's list and create routes overwrite the exposed headers with their own; put ours back.
    if (options.cors) res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    const send = () => res.jsonp(res.locals.data);
    // Reads answer at once; a change answers only once it is on disk (group commit: see files/group-commit.ts).
    if (req.method === 'GET' || req.method === 'HEAD') send();
    else database.settled().then(send, (error: unknown) => sendApiError(res, toApiError(error)));
  };
  if (options.logger) app.use(makeRequestLog({ identify: authenticate }));
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
    const ownFiles = [database.file, options.users, typeof options.routes === 'string' ? options.routes : undefined, stateFiles.dir];
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
      defaultRole: options.defaultRole,
      decoyFor: makeDecoyFor(key, () => accounts.snapshot()),
      registerAtUsers: database.accountsCollection,
    }),
  );
  app.get(
    '/',
    makePlaygroundPage(() => ({
      resources: describe().resources,
      demoAccounts: accounts.demoAccounts().map(({ email, role }) => ({ email, role })),
      cookieMode: Boolean(cookie),
      passwordMinLength: options.passwordMinLength,
      idField: options.id,
      foreignKeySuffix: options.foreignKeySuffix,
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
    warnings,
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
