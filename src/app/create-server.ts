import { makeOutbox, type Outbox } from '../mail/outbox';
import { makeSmtpRelay } from '../mail/smtp-relay';
import type { Express } from 'express';
import { describeApi, type ApiDescription } from '../access/describe';
import type { RoutesConfig } from '../access/rules/parse';
import type { AccountStore } from '../accounts/account-store';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from '../config/options';
import { EXPOSED_HEADERS } from '../http/cors';
import type { Database } from '../json-server/database';
import { mountJsonServer } from '../json-server/mount';
import type { SessionStore } from '../sessions/session-store';
import { statePaths } from '../state/state-dir';
import { makeAccess } from './access';
import { makeAuth } from './auth';
import { makeLifecycle } from './lifecycle';
import { makeProvider } from './provider';
import { buildApp } from './pipeline';
import { openStores, startStores, type SharedState } from './stores';

export type { SharedState } from './stores';

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
  /** README "The outbox": the mails the server sent (`await api.outbox.latest('alice@example.com')`). */
  outbox: Outbox;
}

/**
 * Builds the server: reads and checks every file, then writes the state folder, then wires the parts into the
 * Express app (pipeline.ts gives the order of the steps a request goes through).
 */
export async function createServer(serverOptions: ServerOptions, shared: SharedState = {}): Promise<FakeJwtApi> {
  const options = resolveOptions(serverOptions);
  const stateFiles = statePaths(options.stateDir);
  const stores = await openStores(options, stateFiles, shared); // writes nothing: a failed start leaves every file
  const started = await startStores(options, stateFiles, stores);
  const { routes, database, accounts, sessions, warnings } = stores;
  // README "The outbox": every mail the account flows send, as .eml files in the state folder.
  const log = options.logger ? (line: string) => console.log(line) : () => undefined;
  const relay = options.smtp && makeSmtpRelay(options.smtp); // --smtp: the same files also go to Mailpit or MailHog
  const outbox = makeOutbox({ dir: stateFiles.outbox, from: 'fake-jwt-api <no-reply@fake-jwt-api.local>', now: options.now, log, relay });
  const auth = makeAuth(options, stores, started, outbox);
  // README "Use your own identity provider": one that does not answer now is a warning; its tokens wait for it.
  for (const { issuer, problem } of (await auth.trustedTokens?.load()) ?? [])
    warnings.push(`the trusted issuer ${issuer} could not be reached (${problem}); its tokens get 401 until it answers.`);
  const access = makeAccess(options, stores, started.ledger, auth.authenticator);
  const describe = () =>
    describeApi({
      resources: access.resources.values(),
      accounts: accounts.snapshot(),
      rewrites: routes.rewrites,
      policy: access.policy,
      rules: access.rules,
      warnings,
    });
  const jsonServer = mountJsonServer({
    database,
    ledger: started.ledger,
    cascade: access.cascade,
    dataGate: access.dataGate,
    idField: options.id,
    foreignKeySuffix: options.foreignKeySuffix,
    gzip: options.gzip,
    exposedHeaders: options.cors ? EXPOSED_HEADERS : undefined,
  });
  const provider = makeProvider(options, stores, auth);
  const lifecycle = makeLifecycle(stores, started);
  // A mail a request queued (and the token it carries) is on disk before close() resolves.
  const close = async () => {
    await outbox.settled(); // and relayed, or failed to be: nodemailer's timeouts keep a dead SMTP server from holding it
    relay?.close();
    await lifecycle.close();
  };
  const reset = async () => {
    await outbox.settled(); // a mail being made now would outlive the reset
    await lifecycle.reset();
    provider.clear(); // provider sessions and unused codes name accounts and sessions that are gone
    auth.throttle.clear(); // a suite that tests a lockout starts clean (README "Rate limits")
    auth.mailThrottle.clear();
    await Promise.all([started.accountTokens.clear(), outbox.clear()]); // the mailed links die with the accounts they were for
  };
  const app = buildApp({ options, stores, stateDir: stateFiles.dir, jsonServer, auth, provider, access, describe, reset, outbox });
  return { app, database, accounts, sessions, options, routes, warnings, describe, close, reset, outbox };
}
