import { hashKey, toPublicUser, type Account, type AccountsFile, type LoadedAccounts, type PublicUser } from './accounts-file';
import type { AccountSource } from './account-sources';
import type { AccountIdMarks } from './account-ids';
import { accountsFileInvalid } from './account-errors';
import { ConfigError } from '../errors';

/** A change in progress (SyncedAccounts.transact): the accounts as they are on disk now, and how to change them. */
export interface AccountsDraft {
  readonly accounts: readonly Account[];
  /** The accounts as the change leaves them: saved when the change returns. */
  replace(accounts: Account[]): void;
  /** Undoes a side effect of the change (a session rebound), if saving it fails. */
  onUndo(step: () => void): void;
}

/**
 * The accounts as this process holds them, kept in step with their source on disk: reloaded when someone else
 * changed it (a hand edit, `users add` from another process), and changed only as one step with the source's lock
 * held, on the accounts as they are on disk then. Reloads and writes run one at a time, in the order asked.
 */
export class SyncedAccounts {
  private current: AccountsFile;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: Array<(users: PublicUser[]) => void> = [];

  /** The accounts and the account-id marks as they were at start (after recordIds), for reset(). */
  private atStart: AccountsFile;
  private atStartMarks: AccountIdMarks;

  constructor(
    private readonly source: AccountSource,
    loaded: LoadedAccounts,
  ) {
    this.current = loaded;
    this.atStart = loaded;
    this.atStartMarks = loaded.marks;
  }

  /** The accounts as last loaded or changed, without checking the disk. */
  get content(): AccountsFile {
    return this.current;
  }

  /** Calls `listener` with the public profiles whenever the accounts change. */
  onChange(listener: (users: PublicUser[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Records in the state folder the ids given to entries without one, and raises the account-id mark to every id,
   * so they stay theirs across restarts and no other account gets them. Reads the accounts again under the locks,
   * in case another process changed them since they were loaded; what it finds is the start state reset() brings back.
   */
  async recordIds(): Promise<void> {
    await this.exclusive(() => this.source.locked(() => this.reload()));
    this.atStart = this.current;
    this.atStartMarks = await this.source.ids.read();
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

  /** Reloads the accounts when their source changed on disk since we last read or wrote it. */
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
  transact<T>(change: (draft: AccountsDraft) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.source.locked(async () => {
        await this.reloadIfEdited();
        const before = this.current;
        const undoSteps: Array<() => void> = [];
        const draft: AccountsDraft = {
          accounts: before.accounts,
          replace: (accounts) => (this.current = { ...this.current, accounts, changed: true }),
          onUndo: (step) => undoSteps.push(step),
        };
        const result = await change(draft);
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

  /** Resolves once the reloads and writes asked for so far are done (and their change listeners called). */
  async settled(): Promise<void> {
    await this.queue;
  }

  /**
   * Reads the accounts and records the ids their entries were given, as one step under the account-id lock. Call
   * holding the source's lock. Plain-text passwords already hashed are not hashed again.
   */
  private async reload(): Promise<void> {
    const known = new Map<string, string>();
    for (const account of this.current.accounts) {
      const demo = this.current.demo.get(String(account.id));
      if (demo) known.set(hashKey(account, demo.password), demo.hash);
    }
    this.current = await this.source.ids.update(async (marks) => {
      const read = await this.source.read(marks, known);
      return { marks: read.marks, result: read };
    });
    this.notify();
  }

  /** Takes in what someone else changed on disk. Call holding the source's lock. */
  private async reloadIfEdited(): Promise<void> {
    if (!(await this.source.changed())) return;
    try {
      await this.reload();
    } catch (error) {
      if (error instanceof ConfigError) throw accountsFileInvalid(error.message);
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
    const users = this.current.accounts.map(toPublicUser);
    for (const listener of this.listeners) listener(users);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
