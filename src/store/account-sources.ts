import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toJsonText, writeTextAtomic } from './atomic';
import { accountsFileContent, parseAccounts, parseAccountsText, readAccountsText, type Account, type AccountsFile } from './accounts-file';
import { withFileLock } from './file-lock';
import { sameVersion, versionOf, type FileVersion } from './file-version';
import { accountIdsFileFor, AccountIdMark } from './state';

/** Where the accounts live: users.json, or the users collection of a json-server-auth db.json. */
export interface AccountSource {
  /** How messages and the banner name it: a file path, or "db.json (users)". */
  name: string;
  /** Reads and checks the accounts; an account without an id gets one above `idFloor`, the greatest ever used. */
  read(idFloor: number): Promise<AccountsFile>;
  write(file: AccountsFile): Promise<void>;
  /** Cheap enough for every request (a stat): false means no one changed the accounts since our last read or write. */
  mayHaveChanged(): Promise<boolean>;
  /** Exact (compares the content): someone else changed the accounts since our last read or write. */
  changed(): Promise<boolean>;
  /**
   * Runs `work` holding the lock every process takes to read, change and write these accounts (the server, `users
   * add`, `token`), so none writes back a copy older than another's change.
   */
  locked<T>(work: () => Promise<T>): Promise<T>;
  /** The greatest account id ever used here, so that no id is handed out twice. */
  ids: AccountIdMark;
}

/**
 * users.json: read and written as a whole, atomically, under `users.json.lock`. Hand edits are noticed by the
 * file's stat, and before a write by its content: a stat alone can miss a change (an equal size, as a new
 * password hash has, within one tick of a coarse clock, on an inode number freed by the previous write).
 */
export function usersFileSource(file: string): AccountSource {
  /** The file as this process last read or wrote it; undefined before the first read. */
  let seen: { version: FileVersion | undefined; text: string | undefined } | undefined;
  return {
    name: file,
    async read(idFloor) {
      // The stat comes first: a change made during the read shows as a change next time, never the reverse.
      const version = await versionOf(file);
      const text = await readAccountsText(file);
      const accounts = await parseAccountsText(file, text, idFloor);
      seen = { version, text };
      return accounts;
    },
    async write(content) {
      const text = toJsonText(accountsFileContent(content));
      await writeTextAtomic(file, text);
      seen = { version: await versionOf(file), text };
    },
    async mayHaveChanged() {
      return seen === undefined || !sameVersion(await versionOf(file), seen.version);
    },
    async changed() {
      if (seen === undefined) return true;
      const version = await versionOf(file);
      const text = await readAccountsText(file).catch(() => null); // unreadable: the reload says why
      if (text !== seen.text) return true;
      seen = { version, text }; // the same content touched, or written back as it was: nothing to reload
      return false;
    },
    async locked(work) {
      await mkdir(path.dirname(file), { recursive: true });
      return withFileLock(file, work);
    },
    ids: new AccountIdMark(accountIdsFileFor(file)),
  };
}

/**
 * The users collection of db.json, as json-server-auth projects keep their accounts. db.json belongs to the
 * running server alone (`users add` and `token` work on users.json; a hand edit needs --watch, which starts a
 * new app): the records read at start are the truth from then on, so there is nothing to reload and no other
 * process to lock out; the store's own queue orders its changes, and the account-id mark keeps its file lock.
 * Saving writes db.json whole through `save`. `idMarkFile` keeps the mark in a state folder (see state.ts);
 * without one it lasts as long as the process.
 */
export function dbCollectionSource(name: string, records: unknown[], save: (accounts: Account[]) => Promise<void>, idMarkFile?: string): AccountSource {
  return {
    name,
    read: (idFloor) => parseAccounts(name, records, idFloor),
    write: (content) => save(content.accounts),
    mayHaveChanged: async () => false,
    changed: async () => false,
    locked: (work) => work(),
    ids: new AccountIdMark(idMarkFile),
  };
}
