import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { accountIdentity, emailKey, hashKey, nextAccountId, roleOf, toPublicUser, type Account, type AccountsFile, type LoadedAccounts, type PublicUser } from './accounts-file';
import type { AccountSource } from './account-sources';
import type { AccountIdMarks } from './account-ids';
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
 * The accounts, from users.json (or a json-server-auth db.json). The file stays as its author wrote it: plain-text
 * passwords are hashed in memory only, and entries without an id get a lasting one recorded in the state folder;
 * only a change through the API or the CLI writes the file. Every read first checks whether the source changed on
 * disk (a hand edit, or `users add` from another process) and reloads it, so the server never answers from stale
 * data. Every change is made to the accounts as they are on disk, holding the source's lock (transact), so no
 * process writes back a copy older than another's change. Reloads and writes run one at a time.
 */
export class AccountStore {
  private current: AccountsFile;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(users: PublicUser[]) => void> = [];
  /** Why new accounts are refused, when they are (see refuseNewAccounts). */
  private closedBecause: string | undefined;

  /** The accounts and the account-id marks as they were at start (after recordIds), for reset(). */
  private atStart: AccountsFile;
  private atStartMarks: AccountIdMarks;

  private constructor(
    private readonly source: AccountSource,
    loaded: LoadedAccounts,
  ) {
    this.current = loaded;
    this.atStart = loaded;
    this.atStartMarks = loaded.marks;
  }

  /**
   * Reads and checks the accounts, and writes nothing: a start that fails later leaves every file as it was. The
   * ids given to entries without one are recorded by recordIds(), once the start is sure.
   */
  static async load(source: AccountSource): Promise<AccountStore> {
    return new AccountStore(source, await source.read(await source.ids.read(), new Map()));
  }

  /** Loads the accounts and records their ids at once: for the commands (`users`, `token`). */
  static async open(source: AccountSource): Promise<AccountStore> {
    const store = await AccountStore.load(source);
    await store.recordIds();
    return store;
  }

  /**
   * Records in the state folder the ids given to entries without one, and raises the account-id mark to every id,
   * so they stay theirs across restarts and no other account gets them. Reads the accounts again under the locks,
   * in case another process changed them since load(); what it finds is the start state reset() brings back.
   */
  async recordIds(): Promise<void> {
    await this.exclusive(() => this.source.locked(() => this.reload()));
    this.atStart = this.current;
    this.atStartMarks = await this.source.ids.read();
  }

  /**
   * Reads the accounts and records the ids their entries were given, as one step under the account-id lock. Call
   * holding the source's lock. Plain-text passwords already hashed are not hashed again.
   */
  private async reload(): Promise<void> {
    const known = new Map<string, string>();
    for (const account of this.current.accounts) {
      const demo = this.current.demo.get(String(account.id));
      if (demo) known.set(hashKey(account.email, demo.password), demo.hash);
    }
    const loaded = await this.source.ids.update(async (marks) => {
      const read = await this.source.read(marks, known);
      return { marks: read.marks, result: read };
    });
    this.current = loaded;
    this.notify();
  }

  /**
   * Puts the accounts and the account-id marks back as they were at start: the file gets its start text back
   * (written only when it differs, so a test suite's fixture is never reformatted).
   */
  async resetToStart(): Promise<void> {
    await this.exclusive(() =>
      this.source.locked(async () => {
        await this.source.restoreStart();
        await this.source.ids.resetTo(this.atStartMarks);
        this.current = { ...this.atStart, changed: false };
        this.notify();
      }),
    );
  }

  /** From now on a registration (or any new account) is refused with a 409 saying `reason`. */
  refuseNewAccounts(reason: string): void {
    this.closedBecause = reason;
  }

  /** Where the accounts live, as messages and the banner name it. */
  get name(): string {
    return this.source.name;
  }

  /**
   * The accounts whose password the file holds in plain text, and which still have it (no password change since):
   * demo accounts, whose author wrote their password in the clear, for the banner and the home page to offer.
   */
  demoAccounts(): DemoAccount[] {
    return this.current.accounts.flatMap((account) => {
      const demo = this.current.demo.get(String(account.id));
      return demo !== undefined && demo.hash === account.password ? [{ email: account.email, role: roleOf(account), password: demo.password }] : [];
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
  loadedById(id: string): Account | undefined {
    if (this.idIndex?.accounts !== this.current.accounts) {
      this.idIndex = { accounts: this.current.accounts, byId: new Map(this.current.accounts.map((account) => [String(account.id), account])) };
    }
    return this.idIndex.byId.get(id);
  }

  /** The identity (accounts-file.ts) of the account with this id as last loaded: what its sessions are bound to. */
  identityOf(id: string): string | undefined {
    const account = this.loadedById(id);
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
    await this.reloadIfChangedOnDisk();
    const key = emailKey(email);
    return this.current.accounts.find((account) => emailKey(account.email) === key);
  }

  async findById(id: string): Promise<Account | undefined> {
    await this.reloadIfChangedOnDisk();
    return this.current.accounts.find((account) => String(account.id) === id);
  }

  /** Adds an account whose password is already hashed; a taken email (case-insensitively) is a 409. */
  async create(fields: NewAccount, passwordHash: string): Promise<Account> {
    return this.transact(async () => {
      if (this.closedBecause !== undefined) throw conflict(this.closedBecause);
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
    return this.transact(async (undo) => {
      const index = this.current.accounts.findIndex((account) => String(account.id) === id);
      if (index === -1) return undefined;
      const before = this.current.accounts[index];
      const updated = change({ ...before });
      const key = emailKey(updated.email);
      if (this.current.accounts.some((account, other) => other !== index && emailKey(account.email) === key)) throw emailTaken(updated.email);
      if (accepted) {
        accepted(before, updated);
        undo(() => accepted(updated, before));
      }
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
        timer = setTimeout(() => this.reloadIfChangedOnDisk().catch(() => undefined), 20);
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
  async reloadIfChangedOnDisk(): Promise<void> {
    if (!(await this.source.mayHaveChanged())) return;
    // Locked: a reload records the ids it gives to new entries, a read-change-write like any other.
    await this.exclusive(() => this.source.locked(() => this.reloadIfEdited()));
  }

  /**
   * Runs `change` on the accounts as they are on disk now and saves the result, as one step between processes:
   * holding the source's lock, the accounts are reloaded if anyone changed them since our last read or write,
   * `change` is applied to that fresh content (never to our older copy), and the result is written before the
   * lock is let go. An id claimed inside `change` is claimed in the same step.
   */
  private transact<T>(change: (undo: (step: () => void) => void) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.source.locked(async () => {
        await this.reloadIfEdited();
        const before = this.current;
        const undoSteps: Array<() => void> = [];
        const result = await change((step) => undoSteps.push(step));
        try {
          await this.persistIfChanged();
        } catch (error) {
          // Not saved: nothing of the change stays, in memory or in the sessions (a 409 that still changed a
          // password in memory would be undone at the next restart, behind the user's back).
          this.current = before;
          for (const step of undoSteps.reverse()) step();
          throw error;
        }
        return result;
      }),
    );
  }

  /** Takes in what someone else changed on disk. Call holding the source's lock. */
  private async reloadIfEdited(): Promise<void> {
    if (!(await this.source.changed())) return;
    try {
      await this.reload();
    } catch (error) {
      // A hand edit in progress: keep the file as it is and say what to fix, rather than guess.
      if (error instanceof ConfigError) throw new ApiError(500, 'server_error', `${error.message}. Fix the file; the server picks it up without a restart.`);
      throw error;
    }
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
