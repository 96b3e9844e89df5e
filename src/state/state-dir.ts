import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The server's own state: the signing secret and key pairs, the sessions and revocations (sessions/), the account ids, the
 * record-id ledger (json-server/ids.ts) and the locks. It lives in one folder, a dot-folder beside users.json
 * unless --state-dir / `stateDir` moves it; express.static never serves it, and it survives restarts so tokens do.
 */
export const STATE_DIR_NAME = '.fake-jwt-api';

/** Where each state file lives, in the state folder `dir`. */
export interface StatePaths {
  dir: string;
  /** The generated signing secret. */
  secret: string;
  /** The key pairs (RS256, ES256, EdDSA), private keys included: auth/key-pairs.ts. */
  keys: string;
  sessions: string;
  /** The account-id marks (accounts/account-ids.ts). */
  accountIds: string;
  /** Each collection's greatest and deleted record ids (json-server/ids.ts). */
  recordIds: string;
  /** The outbox folder: one .eml file a message (mail/outbox.ts, README "The outbox"). */
  outbox: string;
  /** The password-reset and email-verification tokens, hashed (accounts/account-tokens.ts). */
  accountTokens: string;
  /** The path whose `.lock` every process takes to change this accounts file (account-sources.ts). */
  accountsLock(accountsFile: string): string;
}

/** The state folder when none is given: beside users.json. */
export function defaultStateDir(usersFile: string): string {
  return path.join(path.dirname(usersFile), STATE_DIR_NAME);
}

export function statePaths(dir: string): StatePaths {
  return {
    dir,
    secret: path.join(dir, 'state.json'),
    keys: path.join(dir, 'keys.json'),
    sessions: path.join(dir, 'sessions.json'),
    accountIds: path.join(dir, 'account-ids.json'),
    recordIds: path.join(dir, 'ids.json'),
    outbox: path.join(dir, 'outbox'),
    accountTokens: path.join(dir, 'account-tokens.json'),
    accountsLock: (accountsFile) => path.join(dir, path.basename(accountsFile)),
  };
}

const SELF_IGNORE = '# Written by fake-jwt-api: its state (secret, sessions, ids) never goes into git.\n*\n';

/**
 * Creates the state folder (mode 0700) when it is missing. A folder created here gets a `.gitignore` that ignores
 * everything in it, so a course repository stays clean in `git status` without anyone editing its own .gitignore.
 */
export async function ensureStateDir(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (created !== undefined) await writeFile(path.join(dir, '.gitignore'), SELF_IGNORE, { flag: 'wx' }).catch(() => undefined);
}
