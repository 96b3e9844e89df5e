import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors';
import { hashPassword, isPasswordHash } from './passwords';
import { parseJson } from '../files/json-file';
import { withStringIds, type AccountIdMarks } from './account-ids';
import { usernameKey, usernameLookalikeProblem } from './usernames';
import { emailLookalikeProblem } from './email-names';

/** One account as the server holds it: `{ id, email?, username?, password, role?, ...profile }`, with an email or a username or both. */
export interface Account {
  id: string | number;
  email?: string;
  /** A login name (README "Login by username"), unique as emails are. */
  username?: string;
  /** Always a hash in memory: plain text from a hand-written file is hashed at load (and stays plain in the file). */
  password: string;
  role?: string;
  [field: string]: unknown;
}

/** An account as any response may show it: everything but the password. */
export interface PublicUser {
  id: string | number;
  email?: string;
  username?: string;
  role?: string;
  [field: string]: unknown;
}

/** A password the accounts file holds in plain text (a demo account), and the hash made of it in memory. */
export interface DemoPassword {
  password: string;
  hash: string;
}

/** users.json is an array, or an object whose `users` key is the array; we write back the shape we read. */
export interface AccountsFile {
  accounts: Account[];
  /** The other keys of an object-shaped file, kept as they were; undefined for an array-shaped file. */
  wrapper?: Record<string, unknown>;
  /**
   * The entry each account loaded from the file had there, exactly: while the account is unchanged, a write puts
   * it back as it was (its plain-text password, no id when it had none). A changed account is a new object.
   */
  entries: WeakMap<Account, Record<string, unknown>>;
  /** By account id: the plain-text passwords the file holds. An account whose hash is still this one is a demo account. */
  demo: ReadonlyMap<string, DemoPassword>;
  /** True when the accounts changed in memory and the file must be written. */
  changed: boolean;
}

/** An accounts file as read: its accounts, and the account-id marks raised to every id they hold or were given. */
export interface LoadedAccounts extends AccountsFile {
  marks: AccountIdMarks;
}

export const DEFAULT_ROLE = 'user';

/** How emails are compared: NFKC first, so look-alikes (a Kelvin sign for k, a decomposed é) are one address. */
export function emailKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/**
 * Whether the account's email is verified (README "Email verification"): an account written by hand is, unless it
 * says `"emailVerified": false`; a self-registered one is once its link was followed.
 */
export function isEmailVerified(account: Readonly<Record<string, unknown>>): boolean {
  return account.email !== undefined && account.emailVerified !== false;
}

/**
 * The one key that names an account among all: its email as compared, or for an account without one, its username
 * as compared behind a NUL (no email key starts with one). For the ids of entries without one, and the identity.
 */
export function accountKey(account: { email?: unknown; username?: unknown }): string {
  return typeof account.email === 'string' ? emailKey(account.email) : `\u0000${usernameKey(String(account.username))}`;
}

/** Whether two versions of an account have the same email, as compared (both none counts as the same). */
export function isSameEmail(a: Pick<Account, 'email'>, b: Pick<Account, 'email'>): boolean {
  return a.email === undefined || b.email === undefined ? a.email === b.email : emailKey(a.email) === emailKey(b.email);
}

/** Whether two versions of an account have the same username, as compared (both none counts as the same). */
export function isSameUsername(a: Pick<Account, 'username'>, b: Pick<Account, 'username'>): boolean {
  return a.username === undefined || b.username === undefined ? a.username === b.username : usernameKey(a.username) === usernameKey(b.username);
}

/** What a person is called in messages: the email, else the username. */
export function accountLabel(account: Pick<Account, 'email' | 'username'>): string {
  return account.email ?? account.username ?? '';
}

export function roleOf(account: Account): string {
  return typeof account.role === 'string' && account.role !== '' ? account.role : DEFAULT_ROLE;
}

export function toPublicUser(account: Account): PublicUser {
  const { password: _password, ...publicUser } = account;
  return publicUser;
}

/**
 * An account as the file holds it: an entry loaded and unchanged as it was written; any other with its id, and its
 * password as a hash, unless the password is still the plain-text one the file gave (a profile change keeps it).
 */
export function fileEntry(file: AccountsFile, account: Account): Record<string, unknown> {
  const loaded = file.entries.get(account);
  if (loaded) return loaded;
  const demo = file.demo.get(String(account.id));
  return demo !== undefined && demo.hash === account.password ? { ...account, password: demo.password } : account;
}

export function accountsFileContent(file: AccountsFile): unknown {
  const entries = file.accounts.map((account) => fileEntry(file, account));
  return file.wrapper ? { ...file.wrapper, users: entries } : entries;
}

const isNumericId = (id: unknown): id is number => typeof id === 'number' && Number.isFinite(id);

/** The greatest numeric id among `accounts` (0 when none is), for the account-id mark of account-ids.ts. */
export function highestNumericId(accounts: readonly Account[]): number {
  return accounts.reduce((highest, account) => (isNumericId(account.id) ? Math.max(highest, account.id) : highest), 0);
}

/**
 * The id the next account gets, as json-server picks one: max + 1 over numeric ids, otherwise a random one. Never
 * at or under `floor`, the greatest id ever used (account-ids.ts): an id freed by a deletion is not handed out again.
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
    identity = createHash('sha256')
      .update(JSON.stringify([String(account.id), accountKey(account)]))
      .digest('base64url');
    identities.set(account, identity);
  }
  return identity;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function validateRecord(file: string, where: string, record: unknown): void {
  const fail = (what: string) => {
    throw new ConfigError('ERR_USERS_FILE', `${file}: ${where} ${what}`);
  };
  if (!isPlainObject(record)) fail('must be an object like { "email": "alice@example.com", "password": "alice123" }');
  const { id, email, username, password, role } = record as Record<string, unknown>;
  if (email === undefined && username === undefined) fail('needs an "email" string (or a "username" string)');
  if (email !== undefined && (typeof email !== 'string' || email.trim() === '')) fail('has an "email" that is not a non-empty string');
  if (username !== undefined && (typeof username !== 'string' || username.trim() === '')) fail('has a "username" that is not a non-empty string');
  if (typeof password !== 'string' || password === '') fail('needs a "password" string (plain text is fine: the server hashes it in memory)');
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') fail('has an "id" that is neither a number nor a string');
  if (role !== undefined && typeof role !== 'string') fail('has a "role" that is not a string');
  refuseLookalikes(file, where, { email, username } as Pick<Account, 'email' | 'username'>);
}

/**
 * A name in the file that could pass for another account's (an invisible or blank character, İ, two scripts) stops
 * the load, as a request setting it would be refused: the file is the user's own, but two accounts drawn alike are
 * the hazard wherever they come from. A request's other rules stay off here: a hand-written `Ａlice` still compares
 * as alice (no second account), and an older file may well hold `admin@localhost` or a username with a space.
 */
function refuseLookalikes(file: string, where: string, { email, username }: Pick<Account, 'email' | 'username'>): void {
  const refuse = (field: string, value: string, problem: string) => {
    throw new ConfigError('ERR_USERS_FILE', `${file}: ${where}.${field} ${JSON.stringify(value)} ${problem}. Edit that entry of ${file}.`);
  };
  const emailProblem = email === undefined ? undefined : emailLookalikeProblem(email);
  if (emailProblem !== undefined) refuse('email', email!, emailProblem);
  const usernameProblem = username === undefined ? undefined : usernameLookalikeProblem(username);
  if (usernameProblem !== undefined) refuse('username', username!, usernameProblem);
}

/** Hashes made earlier of plain-text passwords, by `hashKey`: a reload does not spend a hash on each again. */
export type KnownHashes = ReadonlyMap<string, string>;

export const hashKey = (account: Pick<Account, 'email' | 'username'>, password: string) => `${accountKey(account)}\u0000${password}`;

/**
 * The ids of entries written without one: the id `marks` gave that email before, while no other entry holds it,
 * otherwise the next one (as json-server picks: max + 1 above every id ever used, or a random id when ids are
 * strings), added to the marks. The file itself is never given them.
 */
function assignIds(list: readonly Record<string, unknown>[], marks: AccountIdMarks): { ids: Array<string | number>; marks: AccountIdMarks } {
  const written = list.filter((record) => record.id !== undefined) as Account[];
  const taken = new Set(written.map((account) => String(account.id)));
  const byEmail = { ...marks.byEmail };
  let highest = Math.max(marks.highest, highestNumericId(written));
  const given: Account[] = [];
  const ids = list.map((record) => {
    if (record.id !== undefined) return record.id as string | number;
    const key = accountKey(record);
    const before = byEmail[key];
    const id = before !== undefined && !taken.has(String(before)) ? before : nextAccountId([...written, ...given], highest);
    byEmail[key] = id;
    taken.add(String(id));
    if (isNumericId(id)) highest = Math.max(highest, id);
    given.push({ id } as Account);
    return id;
  });
  const stringIds = ids.filter((id): id is string => typeof id === 'string');
  return { ids, marks: withStringIds({ ...marks, highest, byEmail }, stringIds) };
}

/**
 * Checks a list of accounts (users.json's content); throws a ConfigError naming the file and the record at fault.
 * Entries without an id get theirs from the account-id `marks`; plain-text passwords are hashed, in memory only
 * (`known` holds hashes made before). Writes nothing: what the file holds stays as written.
 */
export async function parseAccounts(file: string, content: unknown, marks: AccountIdMarks, known: KnownHashes = new Map()): Promise<LoadedAccounts> {
  let records: unknown;
  let wrapper: Record<string, unknown> | undefined;
  if (Array.isArray(content)) {
    records = content;
  } else if (isPlainObject(content) && Array.isArray(content.users)) {
    const { users, ...rest } = content;
    records = users;
    wrapper = rest;
  } else {
    throw new ConfigError('ERR_USERS_FILE', `${file}: expected an array of accounts, or an object with a "users" array`);
  }
  const list = records as Array<Record<string, unknown>>;
  const emails = new Set<string>();
  const usernames = new Set<string>();
  const ids = new Set<string>();
  list.forEach((record, index) => {
    validateRecord(file, `users[${index}]`, record);
    const account = record as Account;
    const twice = (field: 'email' | 'username') =>
      new ConfigError('ERR_USERS_FILE', `${file}: users[${index}].${field} "${account[field]}" appears twice (${field}s are compared case-insensitively)`);
    if (account.email !== undefined) {
      if (emails.has(emailKey(account.email))) throw twice('email');
      emails.add(emailKey(account.email));
    }
    if (account.username !== undefined) {
      if (usernames.has(usernameKey(account.username))) throw twice('username');
      usernames.add(usernameKey(account.username));
    }
    if (account.id !== undefined) {
      if (ids.has(String(account.id))) throw new ConfigError('ERR_USERS_FILE', `${file}: users[${index}].id ${JSON.stringify(account.id)} appears twice`);
      ids.add(String(account.id));
    }
  });

  const assigned = assignIds(list, marks);
  const entries = new WeakMap<Account, Record<string, unknown>>();
  const demo = new Map<string, DemoPassword>();
  const accounts = await Promise.all(
    list.map(async (record, index) => {
      // An entry without an id shows its id first, as json-server would show the record.
      const { id: _written, ...fields } = record;
      const account = { id: assigned.ids[index], ...fields } as Account;
      if (!isPasswordHash(account.password)) {
        const password = account.password;
        account.password = known.get(hashKey(account, password)) ?? (await hashPassword(password));
        demo.set(String(account.id), { password, hash: account.password });
      }
      entries.set(account, record);
      return account;
    }),
  );
  return { accounts, wrapper, entries, demo, changed: false, marks: assigned.marks };
}

/** No accounts file yet (registration creates it). */
export function emptyAccountsFile(marks: AccountIdMarks): LoadedAccounts {
  return { accounts: [], entries: new WeakMap(), demo: new Map(), changed: false, marks };
}

/** users.json's text as it is now; undefined when there is none yet (registration creates it). */
export async function readAccountsText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('ERR_USERS_FILE', `${file}: cannot be read (${(error as Error).message})`);
  }
}

/** Parses and checks users.json's text, as parseAccounts does; no text (no file) is an empty account list. */
export async function parseAccountsText(file: string, text: string | undefined, marks: AccountIdMarks, known?: KnownHashes): Promise<LoadedAccounts> {
  if (text === undefined) return emptyAccountsFile(marks);
  return parseAccounts(
    file,
    parseJson(file, text, (message) => new ConfigError('ERR_USERS_FILE', message)),
    marks,
    known,
  );
}
