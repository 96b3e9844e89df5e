import type { StartedStores, Stores } from './stores';

export interface Lifecycle {
  /** Resolves once every change is on disk; call it after the HTTP server stopped taking requests. */
  close(): Promise<void>;
  /** Data and accounts back to how they were at start, every session ended; resolves once saved. */
  reset(): Promise<void>;
}

/**
 * The state the server holds between requests, which reset() takes back to the start and close() saves: the
 * accounts (users.json, or db.json's users), the ids given and retired (the ledger), the data (db.json), and the
 * sessions with their revoked tokens. A change of the accounts also ends the sessions of accounts that are gone
 * (stores.ts): close() waits for those checks too.
 */
export function makeLifecycle({ accounts, database, sessions }: Stores, { ledger, stopWatchingAccounts, accountChangesSettled }: StartedStores): Lifecycle {
  return {
    async reset() {
      // Sessions end first, so no token acts with a role the accounts are being put back to, and again last, so no
      // login made while the files were being put back outlives the reset.
      await sessions.endAll('reset');
      await accounts.resetToStart();
      await ledger.resetToStart();
      await database.resetToStart();
      await sessions.endAll('reset');
    },
    async close() {
      stopWatchingAccounts();
      await accounts.settled();
      await accountChangesSettled();
      await ledger.saveMarks(database.persistedState());
      await Promise.all([database.settled(), sessions.settled()]);
    },
  };
}
