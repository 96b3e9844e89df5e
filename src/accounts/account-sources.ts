import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { toJsonText, writeTextAtomic } from '../files/atomic';
import {
  accountsFileContent,
  fileEntry,
  parseAccounts,
  parseAccountsText,
  readAccountsText,
  type AccountsFile,
  type KnownHashes,
  type LoadedAccounts,
} from './accounts-file';
import { withFileLock } from '../files/file-lock';
import { sameVersion, versionOf, type FileVersion } from '../files/file-version';
import { AccountIdMark, type AccountIdMarks } from './account-ids';
import { ensureStateDir, statePaths } from '../state/state-dir';

/** Where the accounts live: users.json, or the users collection of a json-server-auth db.json. */
export interface AccountSource {
  /** How messages and the banner name it: a file path, or "db.json (users)". */
  name: string;
  /**
   * Reads and checks the accounts. Entries without an id get theirs from `marks` (account-ids.ts), which come back raised
   * to every id given or held. Writes nothing.
   */
  read(marks: AccountIdMarks, known: KnownHashes): Promise<LoadedAccounts>;
  write(file: AccountsFile): Promise<void>;
  /** Puts the accounts back as they were first read, for reset(): the file's text at start, when it differs now. */
  restoreStart(): Promise<void>;
  /** Cheap enough for every request (a stat): false means no one changed the accounts since our last read or write. */
  mayHaveChanged(): Promise<boolean>;
  /** Exact (compares the content): someone else changed the accounts since our last read or write. */
  changed(): Promise<boolean>;
  /**
   * Runs `work` holding the lock every process takes to read, change and write these accounts (the server, `users
   * add`, `token`), so none writes back a copy older than another's change.
   */
  locked<T>(work: () => Promise<T>): Promise<T>;
  /** The greatest account id ever used here, and the ids of entries written without one. */
  ids: AccountIdMark;
}

/**
 * users.json: read and written as a whole, atomically, under `users.json.lock` in the state folder `stateDir`.
 * Hand edits are noticed by the file's stat, and before a write by its content: a stat alone can miss a change (an
 * equal size, as a new password hash has, within one tick of a coarse clock, on an inode number freed by the
 * previous write). Only a change of the accounts writes it: loading never does.
 */
export function usersFileSource(file: string, stateDir: string): AccountSource {
  const state = statePaths(stateDir);
  /** The file as this process last read or wrote it; undefined before the first read. */
  let seen: { version: FileVersion | undefined; text: string | undefined } | undefined;
  /** The file's text when first read: what reset() puts back. */
  let atStart: { text: string | undefined } | undefined;
  return {
    name: file,
    async read(marks, known) {
      // The stat comes first: a change made during the read shows as a change next time, never the reverse.
      const version = await versionOf(file);
      const text = await readAccountsText(file);
      const accounts = await parseAccountsText(file, text, marks, known);
      seen = { version, text };
      atStart ??= { text };
      return accounts;
    },
    async write(content) {
      const text = toJsonText(accountsFileContent(content));
      await mkdir(path.dirname(file), { recursive: true });
      await writeTextAtomic(file, text);
      seen = { version: await versionOf(file), text };
    },
    async restoreStart() {
      if (atStart === undefined) return;
      const now = await readAccountsText(file).catch(() => null);
      if (now !== atStart.text) {
        if (atStart.text === undefined) await unlink(file).catch(() => undefined);
        else await writeTextAtomic(file, atStart.text);
      }
      seen = { version: await versionOf(file), text: atStart.text };
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
      await ensureStateDir(state.dir);
      return withFileLock(state.accountsLock(file), work);
    },
    ids: new AccountIdMark(state.accountIds),
  };
}

/**
 * The users collection of db.json, as json-server-auth projects keep their accounts. db.json belongs to the
 * running server alone (`users add` and `token` work on users.json; a hand edit needs --watch, which starts a
 * new app): the records read at start are the truth from then on, so there is nothing to reload and no other
 * process to lock out; the store's own queue orders its changes, and the account-id mark keeps its file lock.
 * Saving writes db.json whole through `save`, which gets the records as db.json holds them (plain-text demo
 * passwords stay plain). reset() puts db.json back whole (database.ts), so `restoreStart` has nothing to do.
 * `idMarkFile` keeps the marks in a state folder (account-ids.ts); without one they last as long as the process.
 */
export function dbCollectionSource(name: string, records: unknown[], save: (records: unknown[]) => Promise<void>, idMarkFile?: string): AccountSource {
  return {
    name,
    read: (marks, known) => parseAccounts(name, records, marks, known),
    write: (content) => save(content.accounts.map((account) => fileEntry(content, account))),
    restoreStart: async () => undefined,
    mayHaveChanged: async () => false,
    changed: async () => false,
    locked: (work) => work(),
    ids: new AccountIdMark(idMarkFile),
  };
}
