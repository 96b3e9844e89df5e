import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { DefaultAccess } from '../access/guard';
import { parseDuration } from './duration';
import { ConfigError } from '../errors';
import type { AllowedHosts } from '../http/host-check';
import { ANY_ORIGIN } from '../http/origins';
import type { Data } from '../json-server/database';
import { DEFAULT_ROLE } from '../accounts/accounts-file';
import { defaultStateDir } from '../state/state-dir';
import { isWhoKeyword, parseRoleName } from '../accounts/roles';
import { ADMIN_ROLE } from '../accounts/roles';

/** What createServer() takes. The command line's flags map onto these one to one. */
export interface ServerOptions {
  /** A db.json path, a .js/.cjs file exporting data (or a function returning it), or the data itself. */
  db: string | Data;
  /** The accounts file; default `users.json` beside the db (the working directory for in-memory data). */
  users?: string;
  /**
   * The folder of the server's state: the generated secret, sessions, account ids, record ids and locks. Default
   * `.fake-jwt-api` beside the accounts file; a test suite can put it in a temporary folder.
   */
  stateDir?: string;
  /** routes.json: a path or its parsed content; default `routes.json` beside the db when it exists. */
  routes?: string | Record<string, unknown>;
  /** Folder of static files; default `./public` when it exists. */
  static?: string;
  readOnly?: boolean;
  /** CORS for every response (json-server's default); false is --no-cors. */
  cors?: boolean;
  /** gzip responses (json-server's default); false is --no-gzip. */
  gzip?: boolean;
  /** Milliseconds to wait before json-server answers (--delay). */
  delay?: number;
  /** The id property of records (--id). */
  id?: string;
  foreignKeySuffix?: string;
  /** The request log: one line per request, with who asked (off with --quiet). */
  logger?: boolean;
  /** Express middlewares run, after the access check, before json-server (--middlewares). */
  middlewares?: RequestHandler[];
  /** HS256 signing secret, at least 32 bytes; default: generated once and kept in the state folder. */
  secret?: string;
  /** Access-token lifetime: seconds, or `15m`, `1h`, `7d`. */
  accessTtl?: string | number;
  /** Refresh-token lifetime: each refresh gives a new one that lives this long (default 7d). */
  refreshTtl?: string | number;
  /** A session's absolute lifetime from its login, however often it refreshes (default 30d). */
  sessionTtl?: string | number;
  /** A login ends the user's earlier sessions. */
  singleSession?: boolean;
  /** Refresh tokens travel in an HttpOnly cookie (Path /auth) instead of the response body. */
  cookie?: boolean;
  /** The cookie's Secure flag (needs https). */
  cookieSecure?: boolean;
  cookieSameSite?: 'Strict' | 'Lax' | 'None';
  /**
   * Origins whose pages may use the auth endpoints (get a token, use the refresh cookie), with credentialed CORS,
   * besides pages on localhost, 127.0.0.1 and [::1] (any port) and the server's own. `'*'` allows any origin.
   * Data and static files answer CORS to any origin, as json-server's do.
   */
  corsOrigins?: readonly string[];
  /**
   * Host names the server answers besides localhost, *.localhost and IP addresses (DNS rebinding protection):
   * `myapp.test`, or `.example.com` for it and its subdomains. `'all'` (or true) answers any Host.
   */
  allowedHosts?: readonly string[] | 'all' | true;
  issuer?: string;
  audience?: string;
  defaultAccess?: DefaultAccess;
  passwordMinLength?: number;
  /** The role of self-registered accounts (a shop: `customer`); default `user`. A caller never chooses it. */
  defaultRole?: string;
  /** The clock, in milliseconds since the epoch; tests move it instead of sleeping. */
  now?: () => number;
  /**
   * The caller reloads the app when db.json is edited by hand (the CLI's --watch): a change that races the edit
   * answers 409 "send it again". Either way a hand edit is never written over; without this, every change after
   * one answers 409 until a restart, and one line on stderr says so.
   */
  keepExternalEdits?: boolean;
  /**
   * Watch users.json, so an account deleted by hand loses its sessions before the next request, not at the next
   * auth request. The command line turns it on; close() stops it.
   */
  watchUsers?: boolean;
  /** Adds POST /__reset, for the admin role: data, accounts and sessions back to how they were at start. */
  allowReset?: boolean;
  /** Every caller sees every account's email in the users resource (as json-server-auth); by default only its owner and admins. */
  publicEmails?: boolean;
}

export interface ResolvedOptions {
  db: string | Data;
  users: string;
  stateDir: string;
  routes?: string | Record<string, unknown>;
  static?: string;
  readOnly: boolean;
  cors: boolean;
  gzip: boolean;
  delay: number;
  id: string;
  foreignKeySuffix: string;
  logger: boolean;
  middlewares: RequestHandler[];
  secret?: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  sessionTtlSeconds: number;
  singleSession: boolean;
  cookie: boolean;
  cookieSecure: boolean;
  cookieSameSite: 'Strict' | 'Lax' | 'None';
  corsOrigins: readonly string[];
  allowedHosts: AllowedHosts;
  issuer: string;
  audience?: string;
  defaultAccess: DefaultAccess;
  passwordMinLength: number;
  defaultRole: string;
  now: () => number;
  keepExternalEdits: boolean;
  watchUsers: boolean;
  allowReset: boolean;
  publicEmails: boolean;
}

export const DEFAULTS = {
  accessTtl: '1h',
  refreshTtl: '7d',
  sessionTtl: '30d',
  cookieSameSite: 'Lax' as const,
  issuer: 'fake-jwt-api',
  defaultAccess: 'authenticated' as DefaultAccess,
  passwordMinLength: 8,
  defaultRole: DEFAULT_ROLE,
  id: 'id',
  foreignKeySuffix: 'Id',
};

function dirOf(db: string | Data): string {
  return typeof db === 'string' ? path.dirname(path.resolve(db)) : process.cwd();
}

function resolveCorsOrigins(origins: readonly string[] = []): readonly string[] {
  for (const origin of origins) {
    if (origin !== ANY_ORIGIN && !/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`cors-origin: "${origin}" is not an origin like http://localhost:5173 (scheme, host, port; no path), nor '*' for any`);
  }
  return origins;
}

/** `all` or `true` (as Vite's server.allowedHosts) turns the check off; names are compared in lower case. */
function resolveAllowedHosts(hosts: ServerOptions['allowedHosts'] = []): AllowedHosts {
  if (hosts === true || hosts === 'all') return 'all';
  if (!Array.isArray(hosts)) throw new ConfigError('allowed-host: expected a list of host names, or "all"');
  const names = (hosts as unknown[]).map((host) => (typeof host === 'string' ? host.trim().toLowerCase().replace(/\.$/, '') : ''));
  if (names.some((name) => name === 'all' || name === 'true')) return 'all';
  for (const name of names) {
    if (isIP(name) === 0 && !/^\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) {
      throw new ConfigError(`allowed-host: "${name}" is not a host name; give the name alone (any port is allowed), like myapp.test, or .example.com for it and its subdomains, or all`);
    }
  }
  return names;
}

/** A role name (not a keyword of routes.json), and not admin: a newcomer never gets the keys by registering. */
export function resolveDefaultRole(role: unknown = DEFAULTS.defaultRole): string {
  if (typeof role === 'string' && isWhoKeyword(role.trim())) throw new ConfigError(`default-role: "${role}" is a keyword of routes.json, not a role; give a role name, like customer`);
  let name;
  try {
    name = parseRoleName(role);
  } catch (error) {
    throw new ConfigError(`default-role: ${(error as Error).message}`);
  }
  if (name === ADMIN_ROLE) throw new ConfigError(`default-role: ${ADMIN_ROLE} would make everyone who registers an administrator; give admins their role with fake-jwt-api users add --role ${ADMIN_ROLE}, or PATCH /auth/users/:id`);
  return name;
}

function nonEmptyString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${name}: expected a non-empty string`);
  return value;
}

/** Fills in defaults and checks every option once, up front; a bad one is a ConfigError naming it. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (options.db === undefined || options.db === null) throw new ConfigError('db: a db.json path, a .js file or an object of data is required');
  const dir = dirOf(options.db);
  const duration = (name: string, value: string | number | undefined, fallback: string): number => {
    const seconds = parseDuration(value ?? fallback);
    if (seconds === undefined) throw new ConfigError(`${name}: "${value}" is not a duration; use seconds or a number with s, m, h, d or w, like 15m or 1h`);
    return seconds;
  };
  const cookieSameSite = options.cookieSameSite ?? DEFAULTS.cookieSameSite;
  if (!['Strict', 'Lax', 'None'].includes(cookieSameSite)) throw new ConfigError(`cookie-same-site: "${cookieSameSite}" is not one of Strict, Lax, None`);
  if (cookieSameSite === 'None' && !options.cookieSecure) throw new ConfigError('cookie-same-site: None needs --cookie-secure (browsers drop such cookies otherwise)');
  const defaultAccess = options.defaultAccess ?? DEFAULTS.defaultAccess;
  if (defaultAccess !== 'authenticated' && defaultAccess !== 'public') throw new ConfigError(`default-access: "${String(defaultAccess)}" is not one of authenticated, public`);
  const passwordMinLength = options.passwordMinLength ?? DEFAULTS.passwordMinLength;
  if (!Number.isInteger(passwordMinLength) || passwordMinLength < 1 || passwordMinLength > 1024) throw new ConfigError('password-min-length: expected a whole number from 1 to 1024');
  const delay = options.delay ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw new ConfigError('delay: expected a number of milliseconds, 0 or more');
  const routesBesideDb = path.join(dir, 'routes.json');
  const publicDir = path.resolve('public');
  const users = path.resolve(nonEmptyString('users', options.users) ?? path.join(dir, 'users.json'));
  const stateDir = nonEmptyString('stateDir', options.stateDir);
  return {
    db: options.db,
    users,
    stateDir: stateDir === undefined ? defaultStateDir(users) : path.resolve(stateDir),
    routes: options.routes ?? (typeof options.db === 'string' && existsSync(routesBesideDb) ? routesBesideDb : undefined),
    static: nonEmptyString('static', options.static) ?? (existsSync(publicDir) ? publicDir : undefined),
    readOnly: options.readOnly ?? false,
    cors: options.cors ?? true,
    gzip: options.gzip ?? true,
    delay,
    id: nonEmptyString('id', options.id) ?? DEFAULTS.id,
    foreignKeySuffix: nonEmptyString('foreignKeySuffix', options.foreignKeySuffix) ?? DEFAULTS.foreignKeySuffix,
    logger: options.logger ?? true,
    middlewares: options.middlewares ?? [],
    secret: options.secret,
    accessTtlSeconds: duration('access-ttl', options.accessTtl, DEFAULTS.accessTtl),
    refreshTtlSeconds: duration('refresh-ttl', options.refreshTtl, DEFAULTS.refreshTtl),
    sessionTtlSeconds: duration('session-ttl', options.sessionTtl, DEFAULTS.sessionTtl),
    singleSession: options.singleSession ?? false,
    cookie: options.cookie ?? false,
    cookieSecure: options.cookieSecure ?? false,
    cookieSameSite,
    corsOrigins: resolveCorsOrigins(options.corsOrigins),
    allowedHosts: resolveAllowedHosts(options.allowedHosts),
    issuer: nonEmptyString('issuer', options.issuer) ?? DEFAULTS.issuer,
    audience: nonEmptyString('audience', options.audience),
    defaultAccess,
    passwordMinLength,
    defaultRole: resolveDefaultRole(options.defaultRole),
    now: options.now ?? Date.now,
    keepExternalEdits: options.keepExternalEdits ?? false,
    watchUsers: options.watchUsers ?? false,
    allowReset: options.allowReset ?? false,
    publicEmails: options.publicEmails ?? false,
  };
}
