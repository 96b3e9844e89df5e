import { writeJsonAtomic } from './atomic';
import { accountsFileContent, parseAccounts, readAccountsFile, type Account, type AccountsFile } from './accounts-file';
import { versionOf, type FileVersion } from './file-version';

/** What identifies one version of the accounts on disk, to notice edits made while the server runs. */
export type SourceVersion = FileVersion;

/** Where the accounts live: users.json, or the users collection of a json-server-auth db.json. */
export interface AccountSource {
  /** How messages and the banner name it: a file path, or "db.json (users)". */
  name: string;
  read(): Promise<AccountsFile>;
  write(file: AccountsFile): Promise<void>;
  /** A change since the last read or write means someone else edited the accounts. */
  version(): Promise<SourceVersion | undefined>;
}

/** users.json: read and written as a whole, atomically; hand edits are noticed by the file's stat. */
export function usersFileSource(file: string): AccountSource {
  return {
    name: file,
    read: () => readAccountsFile(file),
    write: (content) => writeJsonAtomic(file, accountsFileContent(content)),
    version: () => versionOf(file),
  };
}

const UNCHANGING: SourceVersion = { mtimeMs: 0, size: 0, ino: 0 };

/**
 * The users collection of db.json, as json-server-auth projects keep their accounts. db.json belongs to the
 * running server (a hand edit needs --watch), so the records read at start are the truth from then on, and
 * saving writes db.json whole through `save`.
 */
export function dbCollectionSource(name: string, records: unknown[], save: (accounts: Account[]) => Promise<void>): AccountSource {
  return {
    name,
    read: () => parseAccounts(name, records),
    write: (content) => save(content.accounts),
    version: async () => UNCHANGING,
  };
}
