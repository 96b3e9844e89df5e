import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors';
import { hashPassword, isPasswordHash } from '../auth/passwords';
import { parseJson } from './json-file';

/** One account as users.json holds it: `{ id, email, password, role?, ...profile }`. */
export interface Account {
  id: string | number;
  email: string;
  /** Always a hash once loaded: plain text from a hand-written file is hashed at load. */
  password: string;
  role?: string;
  [field: string]: unknown;
}

/** An account as any response may show it: everything but the password. */
export interface PublicUser {
  id: string | number;
  email: string;
  role?: string;
  [field: string]: unknown;
}

/** users.json is an array, or an object whose `users` key is the array; we write back the shape we read. */
export interface AccountsFile {
  accounts: Account[];
  /** The other keys of an object-shaped file, kept as they were; undefined for an array-shaped file. */
  wrapper?: Record<string, unknown>;
  /** Plain-text passwords seen at load, by email, so the banner can show a working login once. */
  plainPasswords: Map<string, string>;
  /** True when load assigned ids or hashed passwords, so the file must be written back. */
  changed: boolean;
}

export const DEFAULT_ROLE = 'user';

/** How emails are compared: NFKC first, so look-alikes (a Kelvin sign for k, a decomposed é) are one address. */
export function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function roleOf(account: Account): string {
  return typeof account.role === 'string' && account.role !== '' ? account.role : DEFAULT_ROLE;
}

export function toPublicUser(account: Account): PublicUser {
  const { password: _password, ...publicUser } = account;
  return publicUser;
}

export function accountsFileContent(file: AccountsFile): unknown {
  return file.wrapper ? { ...file.wrapper, users: file.accounts } : file.accounts;
}

const isNumericId = (id: unknown): id is number => typeof id === 'number' && Number.isFinite(id);

/** The greatest numeric id among `accounts` (0 when none is), for the account-id mark of state.ts. */
export function highestNumericId(accounts: readonly Account[]): number {
  return accounts.reduce((highest, account) => (isNumericId(account.id) ? Math.max(highest, account.id) : highest), 0);
}

/**
 * The id the next account gets, as json-server picks one: max + 1 over numeric ids, otherwise a random one. Never
 * at or under `floor`, the greatest id ever used (state.ts): an id freed by a deletion is not handed out again.
 */
export function nextAccountId(accounts: readonly Account[], floor = 0): string | number {
  if (!accounts.every((account) => isNumericId(account.id))) return randomUUID();
  const next = Math.max(highestNumericId(accounts), floor) + 1;
  return Number.isSafeInteger(next) ? next : randomUUID();
}

const identities = new WeakMap<Account, string>();

/**
 * Who an account is, for the sessions bound to it: its id and its email (as compared), hashed. An id given to
 * another account, or an email edited by hand, makes another identity, so the old account's tokens never act as
 * the new one. Computed once per account object (a change makes a new object), so a request pays a map lookup.
 */
export function accountIdentity(account: Account): string {
  let identity = identities.get(account);
  if (identity === undefined) {
    identity = createHash('sha256').update(JSON.stringify([String(account.id), emailKey(account.email)])).digest('base64url');
    identities.set(account, identity);
  }
  return identity;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function validateRecord(file: string, where: string, record: unknown): void {
  const fail = (what: string) => {
    throw new ConfigError(`${file}: ${where} ${what}`);
  };
  if (!isPlainObject(record)) fail('must be an object like { "email": "alice@example.com", "password": "alice123" }');
  const { id, email, password, role } = record as Record<string, unknown>;
  if (typeof email !== 'string' || email.trim() === '') fail('needs an "email" string');
  if (typeof password !== 'string' || password === '') fail('needs a "password" string (plain text is fine: it is hashed at start)');
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') fail('has an "id" that is neither a number nor a string');
  if (role !== undefined && typeof role !== 'string') fail('has a "role" that is not a string');
}

/**
 * Checks a list of accounts (users.json's content); throws a ConfigError naming the file and the record at fault.
 * Assigns missing ids (above `idFloor`, the greatest ever used) and hashes plain-text passwords, marking the
 * result `changed`.
 */
export async function parseAccounts(file: string, content: unknown, idFloor = 0): Promise<AccountsFile> {
  let records: unknown;
  let wrapper: Record<string, unknown> | undefined;
  if (Array.isArray(content)) {
    records = content;
  } else if (isPlainObject(content) && Array.isArray(content.users)) {
    const { users, ...rest } = content;
    records = users;
    wrapper = rest;
  } else {
    throw new ConfigError(`${file}: expected an array of accounts, or an object with a "users" array`);
  }
  const list = records as unknown[];
  const emails = new Set<string>();
  const ids = new Set<string>();
  list.forEach((record, index) => {
    validateRecord(file, `users[${index}]`, record);
    const account = record as Account;
    const key = emailKey(account.email);
    if (emails.has(key)) throw new ConfigError(`${file}: users[${index}].email "${account.email}" appears twice (emails are compared case-insensitively)`);
    emails.add(key);
    if (account.id !== undefined) {
      if (ids.has(String(account.id))) throw new ConfigError(`${file}: users[${index}].id ${JSON.stringify(account.id)} appears twice`);
      ids.add(String(account.id));
    }
  });

  let changed = false;
  const accounts: Account[] = [];
  for (const account of list as Account[]) {
    if (account.id !== undefined) {
      accounts.push(account);
      continue;
    }
    // A hand-written account without an id gets the next one, written first as json-server would show it.
    const { id: _missing, ...fields } = account;
    accounts.push({ id: nextAccountId([...accounts, ...(list as Account[]).filter((other) => other.id !== undefined)], idFloor), ...fields } as Account);
    changed = true;
  }
  const plainPasswords = new Map<string, string>();
  await Promise.all(
    accounts.map(async (account) => {
      if (isPasswordHash(account.password)) return;
      plainPasswords.set(emailKey(account.email), account.password);
      account.password = await hashPassword(account.password);
      changed = true;
    }),
  );
  return { accounts, wrapper, plainPasswords, changed };
}

/** users.json's text as it is now; undefined when there is none yet (registration creates it). */
export async function readAccountsText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file}: cannot be read (${(error as Error).message})`);
  }
}

/** Parses and checks users.json's text, as parseAccounts does; no text (no file) is an empty account list. */
export async function parseAccountsText(file: string, text: string | undefined, idFloor = 0): Promise<AccountsFile> {
  return parseAccounts(file, text === undefined ? [] : parseJson(file, text, (message) => new ConfigError(message)), idFloor);
}
