import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { accountIdentity, emailKey, highestNumericId, nextAccountId, roleOf, toPublicUser, type Account, type AccountsFile, type PublicUser } from './accounts-file';
import type { AccountSource } from './account-sources';
import { ApiError, ConfigError, conflict } from '../errors';

export function emailTaken(email: string) {
  return conflict(`An account with the email ${email} already exists; log in instead, or register with another email.`);
}

/** An account before it has an id and a password hash. */
export interface NewAccount {
  email: string;
  role?: string;
  [field: string]: unknown;
}

/** An account whose password users.json held in plain text: the banner shows it; the home page, its email. */
export interface DemoAccount {
  email: string;
  role: string;
  password: string;
}

/**
 * The accounts, from users.json (or a json-server-auth db.json). Every read first checks whether the source
 * changed on disk (a hand edit, or `users add` from another process) and reloads it, so the server never
 * answers from stale data. Every change is made to the accounts as they are on disk, holding the source's lock
 * (transact), so no process writes back a copy older than another's change. Reloads and writes run one at a time.
 */
export class AccountStore {
  private current: AccountsFile;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(users: PublicUser[]) => void> = [];

  private constructor(
    private readonly source: AccountSource,
    loaded: AccountsFile,
  ) {
    this.current = loaded;
  }

  /** Loads the accounts, hashing plain-text passwords and saving them when that changed anything. */
  static async open(source: AccountSource): Promise<AccountStore> {
    const store = new AccountStore(source, await source.locked(() => AccountStore.loadAndSave(source)));
    store.atStart = structuredClone(store.current.accounts);
    store.atStartPlain = new Map(store.current.plainPasswords);
    store.atStartIdMark = await source.ids.highest();
    return store;
  }

  /**
   * Reads the accounts, raises the account-id mark to every id they hold, and saves what loading changed (ids
   * given, passwords hashed). Under the source's lock: that save is a read-change-write like any other.
   */
  private static async loadAndSave(source: AccountSource): Promise<AccountsFile> {
    const loaded = await source.read(await source.ids.highest());
    await source.ids.raise(highestNumericId(loaded.accounts));
    if (!loaded.changed) return loaded;
    await source.write(loaded);
    return { ...loaded, changed: false };
  }

  /** The accounts as they were once loaded at start (passwords hashed), and the account-id mark, for reset(). */
  private atStart: Account[] = [];
  private atStartPlain = new Map<string, string>();
  private atStartIdMark = 0;

  /** Puts the accounts and the account-id mark back as they were at start, and saves them. */
  async resetToStart(): Promise<void> {
    await this.transact(async () => {
      this.current = { ...this.current, accounts: structuredClone(this.atStart), changed: true };
      await this.source.ids.resetTo(this.atStartIdMark);
    });
  }

  /** Where the accounts live, as messages and the banner name it. */
  get name(): string {
    return this.source.name;
  }

  /**
   * The accounts whose password users.json held in plain text at start, and still have (same hash): demo
   * accounts, whose author wrote their password in the clear, for the home page to offer. Never any other.
   */
  demoAccounts(): DemoAccount[] {
    const startHash = new Map(this.atStart.map((account) => [emailKey(account.email), account.password]));
    return this.current.accounts.flatMap((account) => {
      const key = emailKey(account.email);
      const password = this.atStartPlain.get(key);
      return password !== undefined && startHash.get(key) === account.password ? [{ email: account.email, role: roleOf(account), password }] : [];
    });
  }

  /** The accounts as last loaded, without checking the disk: for the banner and the users resource. */
  snapshot(): readonly Account[] {
    return this.current.accounts;
  }

  private idIndex: { accounts: readonly Account[]; byId: Map<string, Account> } | undefined;

  /**
   * The account with this id as last loaded, found in constant time: the check every request makes, so that a
   * deleted account or a changed role takes effect at once, not when a token expires.
   */
  byId(id: string): Account | undefined {
    if (this.idIndex?.accounts !== this.current.accounts) {
      this.idIndex = { accounts: this.current.accounts, byId: new Map(this.current.accounts.map((account) => [String(account.id), account])) };
    }
    return this.idIndex.byId.get(id);
  }

  /** The identity (accounts-file.ts) of the account with this id as last loaded: what its sessions are bound to. */
  identityOf(id: string): string | undefined {
    const account = this.byId(id);
    return account && accountIdentity(account);
  }

  publicUsers(): PublicUser[] {
    return this.current.accounts.map(toPublicUser);
  }

  /** Calls `listener` with the public profiles whenever the accounts change. */
  onChange(listener: (users: PublicUser[]) => void): void {
    this.listeners.push(listener);
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    await this.refresh();
    const key = emailKey(email);
    return this.current.accounts.find((account) => emailKey(account.email) === key);
  }

  async findById(id: string): Promise<Account | undefined> {
    await this.refresh();
    return this.current.accounts.find((account) => String(account.id) === id);
  }

  /** Adds an account whose password is already hashed; a taken email (case-insensitively) is a 409. */
  async create(fields: NewAccount, passwordHash: string): Promise<Account> {
    return this.transact(async () => {
      const key = emailKey(fields.email);
      if (this.current.accounts.some((account) => emailKey(account.email) === key)) {
        throw emailTaken(fields.email);
      }
      const { accounts } = this.current;
      const account: Account = { id: await this.source.ids.claim((floor) => nextAccountId(accounts, floor)), ...fields, password: passwordHash };
      this.current = { ...this.current, accounts: [...this.current.accounts, account], changed: true };
      return account;
    });
  }

  /**
   * Changes one account: `change` gets the account and returns a new version. A new email must still be free.
   * `accepted` runs once the change is sure, in the same step as the accounts change in memory: nothing (no
   * request, no orphan check) can see one without the other. Resolves to undefined when there is no such id.
   */
  async update(id: string, change: (account: Account) => Account, accepted?: (before: Account, after: Account) => void): Promise<Account | undefined> {
    return this.transact(async () => {
      const index = this.current.accounts.findIndex((account) => String(account.id) === id);
      if (index === -1) return undefined;
      const before = this.current.accounts[index];
      const updated = change({ ...before });
      const key = emailKey(updated.email);
      if (this.current.accounts.some((account, other) => other !== index && emailKey(account.email) === key)) throw emailTaken(updated.email);
      accepted?.(before, updated);
      const accounts = this.current.accounts.map((account, other) => (other === index ? updated : account));
      this.current = { ...this.current, accounts, changed: true };
      return updated;
    });
  }

  /** Removes one account; false when there is none with that id. */
  async remove(id: string): Promise<boolean> {
    return this.transact(async () => {
      const accounts = this.current.accounts.filter((account) => String(account.id) !== id);
      if (accounts.length === this.current.accounts.length) return false;
      this.current = { ...this.current, accounts, changed: true };
      return true;
    });
  }

  /**
   * Reloads whenever the file changes on disk, not only at the next auth request, so an account deleted by
   * hand is gone for the very next request. Returns the function that stops watching.
   */
  watchForEdits(file: string): () => void {
    const name = path.basename(file);
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher;
    try {
      watcher = watch(path.dirname(file), (_event, changed) => {
        if (changed?.toString() !== name) return;
        clearTimeout(timer);
        timer = setTimeout(() => this.refresh().catch(() => undefined), 20);
        timer.unref();
      });
    } catch {
      return () => undefined; // no watching here (an odd filesystem): edits are still seen at the next auth request
    }
    watcher.unref();
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  /** Reloads users.json when it changed on disk since we last read or wrote it. */
  async refresh(): Promise<void> {
    if (!(await this.source.mayHaveChanged())) return;
    // Locked: loading may save what it changed (ids given, passwords hashed), a read-change-write like any other.
    await this.exclusive(() => this.source.locked(() => this.reloadIfEdited()));
  }

  /**
   * Runs `change` on the accounts as they are on disk now and saves the result, as one step between processes:
   * holding the source's lock, the accounts are reloaded if anyone changed them since our last read or write,
   * `change` is applied to that fresh content (never to our older copy), and the result is written before the
   * lock is let go. An id claimed inside `change` is claimed in the same step.
   */
  private transact<T>(change: () => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.source.locked(async () => {
        await this.reloadIfEdited();
        const result = await change();
        await this.persistIfChanged();
        return result;
      }),
    );
  }

  /** Takes in what someone else changed on disk. Call holding the source's lock. */
  private async reloadIfEdited(): Promise<void> {
    if (!(await this.source.changed())) return;
    let loaded: AccountsFile;
    try {
      loaded = await AccountStore.loadAndSave(this.source);
    } catch (error) {
      // A hand edit in progress: keep the file as it is and say what to fix, rather than guess.
      if (error instanceof ConfigError) throw new ApiError(500, 'server_error', `${error.message}. Fix the file; the server picks it up without a restart.`);
      throw error;
    }
    this.current = { ...loaded, plainPasswords: this.current.plainPasswords };
    this.notify();
  }

  private async persistIfChanged(): Promise<void> {
    if (!this.current.changed) return;
    await this.source.write(this.current);
    this.current = { ...this.current, changed: false };
    this.notify();
  }

  private notify(): void {
    const users = this.publicUsers();
    for (const listener of this.listeners) listener(users);
  }

  /** Resolves once the reloads and writes asked for so far are done (and their change listeners called). */
  async settled(): Promise<void> {
    await this.queue;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
