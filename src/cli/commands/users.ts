import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { requireEmail, requireNewPassword } from '../../accounts/fields';
import { requireUsername } from '../../accounts/usernames';
import { hashPassword } from '../../accounts/passwords';
import { parseRoleName } from '../../accounts/roles';
import { ApiError, ConfigError, DomainError } from '../../errors';
import { OPTION_TABLE } from '../../config/option-table';
import { resolveDefaultRole } from '../../config/resolve-access';
import { DEFAULT_ROLE, roleOf } from '../../accounts/accounts-file';
import { usersFileSource } from '../../accounts/account-sources';
import { AccountStore } from '../../accounts/account-store';
import { defaultStateDir } from '../../state/state-dir';
import { commanderOption, usersFileOption } from '../program';

export interface UsersAddOptions {
  users: string;
  role?: string;
  /** Its login name besides the email (README "Login by username"). */
  username?: string;
  password?: string;
  /** The server's --password-min-length: registration's rule applies here too. */
  passwordMinLength?: number;
  /** The server's --default-role: the role when --role is not given. */
  defaultRole?: string;
  /** The server's --state-dir: where the account ids and the lock are (default .fake-jwt-api beside users.json). */
  stateDir?: string;
}

/** The accounts file and the state folder the server beside it uses (--state-dir moves the state). */
function accountsSource(users: string, stateDir: string | undefined) {
  const file = path.resolve(users);
  return usersFileSource(file, stateDir === undefined ? defaultStateDir(file) : path.resolve(stateDir));
}

/** At least 16 characters of base64url (96 random bits), longer when the minimum length asks for it. */
function generatePassword(minLength: number): string {
  const length = Math.max(16, minLength);
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length);
}

/**
 * A refusal of the account rules (a bad email: an ApiError; a taken one, a file that cannot be read as accounts: a
 * DomainError) is bad usage here: exit 2 with its reason.
 */
function asUsage<T>(users: string, email: string, work: () => Promise<T>): Promise<T> {
  return work().catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'ERR_EMAIL_TAKEN') throw new ConfigError('ERR_ACCOUNT', `${users}: ${email} already has an account`);
    if (error instanceof DomainError && error.code === 'ERR_USERNAME_TAKEN') throw new ConfigError('ERR_ACCOUNT', `${users}: ${error.message}`);
    if (error instanceof DomainError && error.code === 'ERR_ACCOUNTS_FILE_INVALID') throw new ConfigError('ERR_USERS_FILE', error.message);
    throw error instanceof ApiError || error instanceof DomainError ? new ConfigError('ERR_ACCOUNT', error.message) : error;
  });
}

/**
 * `fake-jwt-api users add <email>`: adds an account to users.json, safely while a server runs (both change the
 * file under its lock, and the server picks the change up). Without --password one is generated and printed
 * once; the file only ever holds its hash.
 */
export async function addUser(email: string, options: UsersAddOptions, log: (line: string) => void): Promise<void> {
  // The server's rule for its flag holds here too: --default-role is never admin (--role admin says it outright).
  if (options.role === undefined && options.defaultRole !== undefined) resolveDefaultRole(options.defaultRole);
  const role = options.role ?? options.defaultRole ?? DEFAULT_ROLE;
  try {
    parseRoleName(role);
  } catch (error) {
    throw new ConfigError('ERR_OPTION', `--role: "${role}" is not a role name (${(error as Error).message})`);
  }
  const minLength = options.passwordMinLength ?? OPTION_TABLE.passwordMinLength.default;
  const password = options.password ?? generatePassword(minLength);
  await asUsage(options.users, email, async () => {
    const checked = requireEmail({ email });
    const username = options.username === undefined ? {} : { username: requireUsername({ username: options.username }) };
    try {
      requireNewPassword({ password }, minLength); // the rule registration applies
    } catch (error) {
      const hint = password.length < minLength ? " Choose a longer one, or give users add the server's --password-min-length." : '';
      throw new ConfigError('ERR_OPTION', `--password: ${(error as Error).message}${hint}`);
    }
    // The source creates the file's folder, and holds users.json's lock while it reads, changes and writes.
    const accounts = await AccountStore.open(accountsSource(options.users, options.stateDir));
    const account = await accounts.create({ email: checked, ...username, role }, await hashPassword(password));
    log(`Added ${[account.email, account.username].filter(Boolean).join(' / ')} (id ${JSON.stringify(account.id)}, role ${role}) to ${options.users}.`);
    if (!options.password) log(`Password: ${password}`);
  });
}

/** `fake-jwt-api users list`: id, email, username (when any account has one) and role of every account; never a hash. */
export async function listUsers(users: string, log: (line: string) => void, stateDir?: string): Promise<void> {
  const accounts = await AccountStore.open(accountsSource(users, stateDir));
  const list = accounts.snapshot();
  if (list.length === 0) return log(`No accounts in ${users} yet: fake-jwt-api users add <email>`);
  const columns = list.some((account) => account.username !== undefined) ? (['email', 'username'] as const) : (['email'] as const);
  const widths = columns.map((column) => Math.max(...list.map((account) => (account[column] ?? '').length), column.length) + 2);
  const row = (id: string, cells: readonly string[], role: string) => `${id.padEnd(8)}${cells.map((cell, at) => cell.padEnd(widths[at])).join('')}${role}`;
  log(row('id', columns, 'role'));
  for (const account of list)
    log(
      row(
        String(account.id),
        columns.map((column) => account[column] ?? ''),
        roleOf(account),
      ),
    );
}

/** `users add` takes the server's --default-role and --password-min-length, so it applies the server's rules. */
export function addUsersCommand(program: Command): void {
  const users = program.command('users').description('add or list the accounts of users.json');
  users
    .command('add')
    .description('add an account (its password hashed), safely while a server runs')
    .argument('<email>', "the new account's email")
    .addOption(usersFileOption())
    .option('--role <role>', 'its role (default: --default-role)')
    .option('--username <name>', 'its username, to log in with besides the email')
    .addOption(commanderOption('defaultRole', { help: "the role when --role is not given, as the server's flag of that name" }))
    .addOption(commanderOption('stateDir'))
    .option('--password <password>', 'its password (default: generated and printed once)')
    .addOption(commanderOption('passwordMinLength', { help: "shortest --password accepted, as the server's flag of that name" }))
    .action(async (email: string, options: UsersAddOptions) => {
      await addUser(email, options, (line) => console.log(line));
    });
  users
    .command('list')
    .description('show ids, emails and roles (never a hash)')
    .addOption(usersFileOption())
    .addOption(commanderOption('stateDir'))
    .action(async (options: { users: string; stateDir?: string }) => {
      await listUsers(options.users, (line) => console.log(line), options.stateDir);
    });
}
