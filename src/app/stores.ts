import { openAccountTokens, type AccountTokens } from '../accounts/account-tokens';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { makeOwnerField } from '../access/owner';
import { checkRules, refuseRuleErrors } from '../access/rules/check';
import { parseRoutes, type RoutesConfig } from '../access/rules/parse';
import { readRoutesFile } from '../access/rules/routes-file';
import { checkSigningKeys, loadSigningKeys } from '../auth/signing-key';
import type { SigningKeys } from '../auth/signing-keys';
import type { ResolvedOptions } from '../config/options';
import { ConfigError } from '../errors';
import { dbCollectionSource, usersFileSource } from '../accounts/account-sources';
import { AccountStore } from '../accounts/account-store';
import { roleOf } from '../accounts/accounts-file';
import { loadData, openDatabase, usersAreAccounts, USERS_COLLECTION, type AccountsHome, type Database, type LoadedData } from '../json-server/database';
import { IdLedger } from '../json-server/ids';
import { indexResources } from '../json-server/resolve';
import { SessionStore } from '../sessions/session-store';
import { ensureStateDir, type StatePaths } from '../state/state-dir';

/** What a reload under --watch hands on to the new app, so two stores never write one file. */
export interface SharedState {
  sessions?: SessionStore;
}

/** Everything the server reads at start, read and checked; nothing written yet. */
export interface Stores {
  routes: RoutesConfig;
  database: Database;
  accounts: AccountStore;
  sessions: SessionStore;
  /** Said at start (the banner's warnings): where the accounts live, and what the check of the rules found. */
  warnings: string[];
}

/** What the start wrote or began: the signing key, the id ledger, and the watch on the accounts. */
export interface StartedStores {
  /** The keys tokens are signed and verified with (auth/signing-keys.ts). */
  signingKeys: SigningKeys;
  /** The server's secret: HS256's key, and the key of the login decoys whatever the algorithm. */
  secret: KeyObject;
  ledger: IdLedger;
  stopWatchingAccounts(): void;
  /** Resolves once the sessions of accounts changed so far have been checked (and saved). */
  accountChangesSettled(): Promise<void>;
  /** The hashed tokens of mailed links (password reset, email verification). */
  accountTokens: AccountTokens;
}

function loadRoutes(routes: ResolvedOptions['routes']): RoutesConfig {
  if (routes === undefined) return { rewrites: {}, rules: [] };
  return typeof routes === 'string' ? readRoutesFile(routes) : parseRoutes('the routes option', routes);
}

const holdsPasswords = (records: unknown): records is unknown[] =>
  Array.isArray(records) && records.some((record) => record !== null && typeof record === 'object' && 'password' in record);

/** Without --watch, a hand edit of db.json is kept, and refused changes say why; the log says it once. */
function sayHandEditKept(file: string): void {
  console.error(
    `fake-jwt-api: ${file} was edited by hand while the server runs: the edit is kept, and changes are refused (409) until you restart the server; run it with --watch to have edits picked up.`,
  );
}

type OpenedAccounts = Pick<Stores, 'accounts' | 'database' | 'warnings'>;

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
    throw new ConfigError(
      'ERR_USERS_COLLECTION',
      `${where}: the "users" collection holds passwords, but the accounts live in ${options.users}; move those accounts into it (same fields) and remove them from ${path.basename(where)}`,
    );
  }
  const plainUsers = !usersAreAccounts(loaded.data, 'users-file');
  if (plainUsers && usersFileExists) {
    throw new ConfigError(
      'ERR_USERS_COLLECTION',
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

/** A rule that would not protect what it names stops the start here; the rest are warnings for the banner. */
async function checkRoutes(options: ResolvedOptions, routes: RoutesConfig, { accounts, database }: OpenedAccounts): Promise<string[]> {
  const rulesCheck = await checkRules({
    where: typeof options.routes === 'string' ? options.routes : 'the routes option',
    routes,
    resources: indexResources(database.db.getState()).values(),
    roles: [...accounts.snapshot().map(roleOf), options.defaultRole],
    data: database.db.getState(),
    ownerField: makeOwnerField(options.id, options.foreignKeySuffix),
    customRoutes: options.middlewares.length > 0,
  });
  refuseRuleErrors(rulesCheck);
  return rulesCheck.warnings;
}

/**
 * Reads every file of the start and checks it, writing nothing: a start that fails (a bad file, a rule that would
 * not protect what it names) leaves every file as it was, and creates no folder.
 */
export async function openStores(options: ResolvedOptions, stateFiles: StatePaths, shared: SharedState): Promise<Stores> {
  const routes = loadRoutes(options.routes);
  const [opened, sessions] = await Promise.all([
    loadData(options.db).then((loaded) => openAccounts(options, loaded, stateFiles)),
    shared.sessions ??
      SessionStore.open({
        file: stateFiles.sessions,
        now: options.now,
        refreshTtlSeconds: options.refreshTtlSeconds,
        sessionTtlSeconds: options.sessionTtlSeconds,
        accessTtlSeconds: options.accessTtlSeconds,
      }),
    checkSigningKeys(options, stateFiles),
  ]);
  opened.database.setAccountProfiles(opened.accounts.publicUsers());
  // Before anything starts watching.
  const ruleWarnings = await checkRoutes(options, routes, opened);
  return { routes, ...opened, sessions, warnings: [...opened.warnings, ...ruleWarnings] };
}

/**
 * Every check passed: the start writes, in the state folder only (a generated secret, the ids given), ends the
 * sessions of accounts that are gone, and from now on follows the accounts as they change.
 */
export async function startStores(options: ResolvedOptions, stateFiles: StatePaths, stores: Stores): Promise<StartedStores> {
  const { accounts, database, sessions } = stores;
  await ensureStateDir(stateFiles.dir);
  const signing = { alg: options.alg, secret: options.secret, ttlSeconds: options.accessTtlSeconds, now: options.now, retireOthers: true };
  const { keys: signingKeys, secret } = await loadSigningKeys(signing, stateFiles);
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
  const accountTokens = await openAccountTokens(stateFiles.accountTokens, options.now);
  return { signingKeys, secret, ledger, stopWatchingAccounts, accountChangesSettled: () => orphanChecks, accountTokens };
}
