import { accountIdentity, emailKey, nextAccountId, roleOf, toPublicUser, type Account, type LoadedAccounts, type PublicUser } from './accounts-file';
import type { AccountSource } from './account-sources';
import { emailTaken, registrationClosed, usernameTaken } from './account-errors';
import { usernameKey } from './usernames';
import { SyncedAccounts } from './synced-accounts';
import { watchEdits } from './watch-edits';

export { emailTaken, usernameTaken } from './account-errors';

/** An account before it has an id and a password hash: an email or a username, or both. */
export interface NewAccount {
  email?: string;
  username?: string;
  role?: string;
  [field: string]: unknown;
}

/** An account whose password users.json held in plain text: the banner shows it; the home page, its email. */
export interface DemoAccount {
  email?: string;
  username?: string;
  role: string;
  password: string;
}

/**
 * The accounts, from users.json (or a json-server-auth db.json). The file stays as its author wrote it: plain-text
 * passwords are hashed in memory only, and entries without an id get a lasting one recorded in the state folder;
 * only a change through the API or the CLI writes the file. Every read first checks whether the source changed on
 * disk and reloads it, so the server never answers from stale data; every change is made to the accounts as they
 * are on disk (synced-accounts.ts). This class holds the account rules: one email one account, ids never reused.
 */
const asciiLowerCase = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

/** The login names of an account, as the file and the banner show them. */
const pickLogin = ({ email, username }: Account) => ({ ...(email === undefined ? {} : { email }), ...(username === undefined ? {} : { username }) });

/** One email one account, one username one account: `wanted`'s are refused when one of `others` has it (as compared). */
function refuseTaken(others: readonly Account[], wanted: Pick<Account, 'email' | 'username'>): void {
  const { email, username } = wanted;
  if (email !== undefined && others.some((account) => account.email !== undefined && emailKey(account.email) === emailKey(email))) throw emailTaken(email);
  if (username !== undefined && others.some((account) => account.username !== undefined && usernameKey(account.username) === usernameKey(username)))
    throw usernameTaken(username);
}

export class AccountStore {
  private readonly synced: SyncedAccounts;
  /** Why new accounts are refused, when they are (see refuseNewAccounts). */
  private closedBecause: string | undefined;
  private idIndex: { accounts: readonly Account[]; byId: Map<string, Account>; byExactEmail: Map<string, Account> } | undefined;

  private constructor(
    private readonly source: AccountSource,
    loaded: LoadedAccounts,
  ) {
    this.synced = new SyncedAccounts(source, loaded);
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

  /** Records the ids given to entries without one, and raises the account-id mark (see SyncedAccounts). */
  recordIds(): Promise<void> {
    return this.synced.recordIds();
  }

  /** Puts the accounts and the account-id marks back as they were at start. */
  resetToStart(): Promise<void> {
    return this.synced.resetToStart();
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
    const { accounts, demo } = this.synced.content;
    return accounts.flatMap((account) => {
      const plain = demo.get(String(account.id));
      if (plain === undefined || plain.hash !== account.password) return [];
      return [{ ...pickLogin(account), role: roleOf(account), password: plain.password }];
    });
  }

  /** The accounts as last loaded, without checking the disk: for the banner and the users resource. */
  snapshot(): readonly Account[] {
    return this.synced.content.accounts;
  }

  /**
   * The account with this id as last loaded, found in constant time: the check every request makes, so that a
   * deleted account or a changed role takes effect at once, not when a token expires.
   */
  loadedById(id: string): Account | undefined {
    return this.index().byId.get(id);
  }

  /**
   * The account whose email is exactly this one but for the case of ASCII letters, as last loaded, in constant time:
   * for a trusted provider's token. Stricter than a login's match (no NFKC, no trimming): an address that only looks
   * like an account's is another address at the provider, and must never be that account.
   */
  loadedByExactEmail(email: string): Account | undefined {
    return this.index().byExactEmail.get(asciiLowerCase(email));
  }

  /**
   * Whether an account has this id now, or had it once as a string id (recorded in the state folder, so one deleted
   * through the API or by hand since stays known): a trusted provider's caller with such a `sub` would get its records.
   */
  hasOrHadId(id: string): boolean {
    return this.loadedById(id) !== undefined || (this.source.ids.seen.stringIds?.includes(id) ?? false);
  }

  private index() {
    const { accounts } = this.synced.content;
    if (this.idIndex?.accounts !== accounts) {
      this.idIndex = {
        accounts,
        byId: new Map(accounts.map((account) => [String(account.id), account])),
        byExactEmail: new Map(accounts.flatMap((account) => (account.email === undefined ? [] : [[asciiLowerCase(account.email), account]]))),
      };
    }
    return this.idIndex;
  }

  /** The identity (accounts-file.ts) of the account with this id as last loaded: what its sessions are bound to. */
  identityOf(id: string): string | undefined {
    const account = this.loadedById(id);
    return account && accountIdentity(account);
  }

  publicUsers(): PublicUser[] {
    return this.synced.content.accounts.map(toPublicUser);
  }

  /** Calls `listener` with the public profiles whenever the accounts change. */
  onChange(listener: (users: PublicUser[]) => void): void {
    this.synced.onChange(listener);
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    await this.reloadIfChangedOnDisk();
    const key = emailKey(email);
    return this.synced.content.accounts.find((account) => account.email !== undefined && emailKey(account.email) === key);
  }

  async findByUsername(username: string): Promise<Account | undefined> {
    await this.reloadIfChangedOnDisk();
    const key = usernameKey(username);
    return this.synced.content.accounts.find((account) => account.username !== undefined && usernameKey(account.username) === key);
  }

  async findById(id: string): Promise<Account | undefined> {
    await this.reloadIfChangedOnDisk();
    return this.synced.content.accounts.find((account) => String(account.id) === id);
  }

  /** Adds an account whose password is already hashed; a taken email or username (as compared) is refused. */
  async create(fields: NewAccount, passwordHash: string): Promise<Account> {
    return this.synced.transact(async (draft) => {
      if (this.closedBecause !== undefined) throw registrationClosed(this.closedBecause);
      refuseTaken(draft.accounts, fields);
      const account: Account = { id: await this.source.ids.claim((floor) => nextAccountId(draft.accounts, floor)), ...fields, password: passwordHash };
      draft.replace([...draft.accounts, account]);
      return account;
    });
  }

  /**
   * Changes one account: `change` gets the account and returns a new version. A new email must still be free.
   * `accepted` runs once the change is sure, in the same step as the accounts change in memory: nothing (no
   * request, no orphan check) can see one without the other. Resolves to undefined when there is no such id.
   */
  async update(id: string, change: (account: Account) => Account, accepted?: (before: Account, after: Account) => void): Promise<Account | undefined> {
    return this.synced.transact(async (draft) => {
      const index = draft.accounts.findIndex((account) => String(account.id) === id);
      if (index === -1) return undefined;
      const before = draft.accounts[index];
      const updated = change({ ...before });
      refuseTaken(
        draft.accounts.filter((_account, other) => other !== index),
        updated,
      );
      if (accepted) {
        accepted(before, updated);
        draft.onUndo(() => accepted(updated, before));
      }
      draft.replace(draft.accounts.map((account, other) => (other === index ? updated : account)));
      return updated;
    });
  }

  /** Removes one account; false when there is none with that id. */
  async remove(id: string): Promise<boolean> {
    return this.synced.transact(async (draft) => {
      const accounts = draft.accounts.filter((account) => String(account.id) !== id);
      if (accounts.length === draft.accounts.length) return false;
      draft.replace(accounts);
      return true;
    });
  }

  /**
   * Reloads whenever the file changes on disk, not only at the next auth request, so an account deleted by
   * hand is gone for the very next request. Returns the function that stops watching.
   */
  watchForEdits(file: string): () => void {
    return watchEdits(file, () => void this.reloadIfChangedOnDisk().catch(() => undefined));
  }

  /** Reloads users.json when it changed on disk since we last read or wrote it. */
  reloadIfChangedOnDisk(): Promise<void> {
    return this.synced.reloadIfChangedOnDisk();
  }

  /** Resolves once the reloads and writes asked for so far are done (and their change listeners called). */
  settled(): Promise<void> {
    return this.synced.settled();
  }
}
