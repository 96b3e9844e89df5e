import { writeJsonAtomic } from './atomic';
import { accountsFileContent, parseAccounts, readAccountsFile, type Account, type AccountsFile } from './accounts-file';
import { versionOf, type FileVersion } from './file-version';
import { accountIdsFileFor, AccountIdMark } from './state';

/** What identifies one version of the accounts on disk, to notice edits made while the server runs. */
export type SourceVersion = FileVersion;

/** Where the accounts live: users.json, or the users collection of a json-server-auth db.json. */
export interface AccountSource {
  /** How messages and the banner name it: a file path, or "db.json (users)". */
  name: string;
  /** Reads and checks the accounts; an account without an id gets one above `idFloor`, the greatest ever used. */
  read(idFloor: number): Promise<AccountsFile>;
  write(file: AccountsFile): Promise<void>;
  /** A change since the last read or write means someone else edited the accounts. */
  version(): Promise<SourceVersion | undefined>;
  /** The greatest account id ever used here, so that no id is handed out twice. */
  ids: AccountIdMark;
}

/** users.json: read and written as a whole, atomically; hand edits are noticed by the file's stat. */
export function usersFileSource(file: string): AccountSource {
  return {
    name: file,
    read: (idFloor) => readAccountsFile(file, idFloor),
    write: (content) => writeJsonAtomic(file, accountsFileContent(content)),
    version: () => versionOf(file),
    ids: new AccountIdMark(accountIdsFileFor(file)),
  };
}

const UNCHANGING: SourceVersion = { mtimeMs: 0, size: 0, ino: 0 };

/**
 * The users collection of db.json, as json-server-auth projects keep their accounts. db.json belongs to the
 * running server (a hand edit needs --watch), so the records read at start are the truth from then on, and
 * saving writes db.json whole through `save`. `idMarkFile` keeps the account-id mark in a state folder (see
 * state.ts); without one it lasts as long as the process.
 */
export function dbCollectionSource(name: string, records: unknown[], save: (accounts: Account[]) => Promise<void>, idMarkFile?: string): AccountSource {
  return {
    name,
    read: (idFloor) => parseAccounts(name, records, idFloor),
    write: (content) => save(content.accounts),
    version: async () => UNCHANGING,
    ids: new AccountIdMark(idMarkFile),
  };
}
