import path from 'node:path';
import type { RequestHandler } from 'express';
import type { DefaultAccess } from '../access/guard';
import { DEFAULT_ROLE } from '../accounts/accounts-file';
import type { SigningAlgorithm } from '../auth/key-pairs';
import type { ProviderPathPreset } from './server-options';
import { commaList, durationText, repeatedList, wholeNumber } from './flag-values';
import { loadMiddlewares } from './middleware-files';

/** One option of the serve command: how it is spelt, read, defaulted and explained. */
export interface OptionSpec {
  flag: `--${string}`;
  short?: `-${string}`;
  /** The value's placeholder, as commander writes it (`<file>`, `<files...>` for a list); none: an on/off switch. */
  value?: `<${string}>`;
  /** Other spellings json-server's yargs command line accepted (`--ro`, `--fks`), and camelCase forms. */
  aliases?: readonly `--${string}`[];
  help: string;
  default?: string | number;
  env?: string;
  choices?: readonly string[];
  /** Turns the text into the value; throws a ConfigError that says what to write instead. */
  parse?(text: string, previous: never): unknown;
  /** The command line's own (where to listen, what to print): not a ServerOptions key. */
  commandLineOnly?: true;
  /** The ServerOptions value, when it is not the flag's value as is. */
  toServerOption?(value: never): unknown;
}

/**
 * Every option of the serve command, in the order --help lists them. Each key is the ServerOptions key it sets
 * (unless commandLineOnly). The commander options, the yargs-style aliases, the config-file keys, ServeFlags and
 * the ServerOptions it gives are all derived from this table: a new flag is one entry here, plus its row in
 * option-table.test.ts.
 */
export const OPTION_TABLE = {
  port: {
    flag: '--port',
    short: '-p',
    value: '<port>',
    help: 'port',
    env: 'PORT',
    parse: wholeNumber('--port', 0, 65535),
    default: 3000,
    commandLineOnly: true,
  },
  host: { flag: '--host', short: '-H', value: '<host>', help: 'host to listen on', default: 'localhost', commandLineOnly: true },
  watch: { flag: '--watch', short: '-w', help: 'reload when the db or routes file changes', commandLineOnly: true },
  https: {
    flag: '--https',
    help: 'serve over HTTPS with a self-signed certificate made once and kept in .fake-jwt-api/ (browsers allow PKCE on a LAN address only over HTTPS)',
    commandLineOnly: true,
  },
  cert: { flag: '--cert', value: '<file>', help: 'serve over HTTPS with this certificate (PEM; with --key)', commandLineOnly: true },
  key: { flag: '--key', value: '<file>', help: 'the private key of --cert (PEM, no passphrase)', commandLineOnly: true },
  routes: {
    flag: '--routes',
    short: '-r',
    value: '<file>',
    help: 'access rules, rewrites and json-server-auth guards (default: routes.json beside the db, when present)',
  },
  middlewares: {
    flag: '--middlewares',
    short: '-m',
    value: '<files...>',
    help: 'Express middleware files, run after the access check',
    toServerOption: (files: string[] | undefined): RequestHandler[] => loadMiddlewares(files),
  },
  static: {
    flag: '--static',
    short: '-s',
    value: '<dir>',
    help: 'static files folder (default: ./public when present)',
    toServerOption: (dir: string | undefined) => (dir === undefined ? undefined : path.resolve(dir)),
  },
  readOnly: { flag: '--read-only', aliases: ['--ro', '--readOnly'], help: 'allow only reads of resources; /auth keeps working' },
  cors: { flag: '--no-cors', aliases: ['--nc', '--noCors'], help: 'turn CORS off' },
  gzip: { flag: '--no-gzip', aliases: ['--ng', '--noGzip'], help: 'turn gzip off' },
  snapshots: { flag: '--snapshots', short: '-S', value: '<dir>', help: 'folder for snapshots (type s + enter)', default: '.', commandLineOnly: true },
  delay: { flag: '--delay', short: '-d', value: '<ms>', help: 'delay every response by this many milliseconds', parse: wholeNumber('--delay', 0, 600000) },
  id: { flag: '--id', short: '-i', value: '<name>', help: 'id property of records', default: 'id' },
  foreignKeySuffix: {
    flag: '--foreignKeySuffix',
    value: '<suffix>',
    aliases: ['--fks', '--foreign-key-suffix'],
    help: 'foreign key suffix, as in postId',
    default: 'Id',
  },
  quiet: { flag: '--quiet', short: '-q', help: 'no banner and no request log', commandLineOnly: true },
  config: { flag: '--config', short: '-c', value: '<file>', help: 'JSON file of these options', default: 'json-server.json', commandLineOnly: true },
  users: { flag: '--users', short: '-u', value: '<file>', help: 'accounts file (default: users.json beside the db)' },
  stateDir: {
    flag: '--state-dir',
    value: '<dir>',
    help: 'folder of the state: secret, sessions, ids, locks (default: .fake-jwt-api beside the accounts file)',
  },
  secret: {
    flag: '--secret',
    value: '<secret>',
    env: 'JWT_SECRET',
    help: 'HS256 signing secret, at least 32 bytes (default: generated once, kept in .fake-jwt-api/)',
  },
  accessTtl: { flag: '--access-ttl', value: '<duration>', aliases: ['--accessTtl'], help: 'access token lifetime', parse: durationText, default: '1h' },
  allowClientTtl: {
    flag: '--allow-client-ttl',
    help: 'POST /auth/login may ask its session a shorter access token lifetime ("expiresIn": "30s", up to --access-ttl), to show expiry',
  },
  refreshTtl: {
    flag: '--refresh-ttl',
    value: '<duration>',
    aliases: ['--refreshTtl'],
    help: 'refresh token lifetime (each refresh gives a new one)',
    parse: durationText,
    default: '7d',
  },
  sessionTtl: {
    flag: '--session-ttl',
    value: '<duration>',
    aliases: ['--sessionTtl'],
    help: "a session's absolute lifetime from its login",
    parse: durationText,
    default: '30d',
  },
  refreshReuseInterval: {
    flag: '--refresh-reuse-interval',
    value: '<duration>',
    aliases: ['--refreshReuseInterval'],
    help: 'how long a just-rotated refresh token, presented again, gets the same new one (two tabs at once); 0: strict',
    // 0 is a duration here (strict), where durationText wants a lifetime.
    parse: (text: string) => (/^\s*0+\s*[smhdw]?\s*$/i.test(text) ? '0' : durationText(text)),
    default: '10s',
  },
  singleSession: { flag: '--single-session', aliases: ['--singleSession'], help: "a login ends the user's earlier sessions" },
  loginField: {
    flag: '--login-field',
    value: '<field>',
    help: 'the name a registration must give and the login page asks for; the other one is optional, and /auth/login takes either',
    choices: ['email', 'username'],
    default: 'email',
  },
  requireVerifiedEmail: {
    flag: '--require-verified-email',
    help: 'an account logs in only once its email is verified (registration then answers without tokens)',
  },
  cookie: { flag: '--cookie', help: 'refresh tokens in an HttpOnly cookie (Path /auth) instead of the body' },
  cookieSecure: { flag: '--cookie-secure', help: "the cookie's Secure flag (https only)" },
  cookieSameSite: { flag: '--cookie-same-site', value: '<value>', help: "the cookie's SameSite", choices: ['Strict', 'Lax', 'None'], default: 'Lax' },
  corsOrigins: {
    flag: '--cors-origin',
    value: '<origins>',
    help: "origins whose pages may log in and get tokens, besides localhost's and the server's own; comma-separated or repeated; '*' for any",
    parse: commaList,
  },
  rateLimit: {
    flag: '--rate-limit',
    value: '<limits>',
    help: "failed logins that make a guesser wait: off, or like 'login=10/15m,ip=100/15m' (per account and address, waits doubling to 15m; per address in 15m), the default",
  },
  resetUrl: {
    flag: '--reset-url',
    value: '<url>',
    help: "the link of a password-reset mail, {token} where the token goes, like 'http://localhost:5173/reset?token={token}' (default: the server's own reset page)",
  },
  smtp: {
    flag: '--smtp',
    value: '<host:port>',
    help: "also relay every mail of the outbox to this SMTP server, like 'localhost:1025' (Mailpit, MailHog): no login, STARTTLS when it offers it",
  },
  trustProxy: {
    flag: '--trust-proxy',
    value: '<proxies>',
    help: "count X-Forwarded-For's client address from these proxies (Express's trust proxy: true, a hop count, or addresses/subnets like loopback,10.0.0.0/8)",
  },
  allowedHosts: {
    flag: '--allowed-host',
    value: '<hosts>',
    help: 'host names answered besides localhost and IP addresses (.example.com: with subdomains; all: any); comma-separated or repeated',
    parse: commaList,
  },
  alg: {
    flag: '--alg',
    value: '<alg>',
    help: 'signing algorithm: a key pair kept in .fake-jwt-api/keys.json, published at /.well-known/jwks.json, or HS256 (a secret) (default: RS256; HS256 with --secret or JWT_SECRET)',
    choices: ['RS256', 'ES256', 'EdDSA', 'HS256'] satisfies SigningAlgorithm[],
  },
  issuer: {
    flag: '--issuer',
    value: '<iss>',
    help: "the iss claim of tokens (default: the server's URL, like http://localhost:3000; fake-jwt-api with HS256)",
  },
  audience: { flag: '--audience', value: '<aud>', help: 'the aud claim of tokens, checked when set' },
  claims: {
    flag: '--claims',
    value: '<fields>',
    help: 'profile fields of the account copied into its access and ID tokens, like name,department (never a claim the server sets: role, sub, email...); comma-separated or repeated',
    parse: commaList,
  },
  redirectUris: {
    flag: '--redirect-uri',
    value: '<url>',
    help: 'a redirect URI the OpenID provider accepts besides loopback ones (a LAN name, a tunnel), exactly as written; repeatable',
    parse: repeatedList,
  },
  providerPaths: {
    flag: '--provider-paths',
    value: '<preset>',
    help: "where the OpenID provider's endpoints also answer: auth0 adds /authorize, /oauth/token, /userinfo, /v2/logout and an issuer with a trailing slash, for @auth0/auth0-spa-js",
    choices: ['standard', 'auth0'] satisfies ProviderPathPreset[],
    default: 'standard',
  },
  trust: {
    flag: '--trust',
    value: '<issuer-urls>',
    help: 'also accept access tokens of this identity provider (its keys from <issuer>/.well-known/openid-configuration); comma-separated or repeated',
    parse: commaList,
  },
  trustJwks: {
    flag: '--trust-jwks',
    value: '<url>',
    help: 'the JWKS of a --trust issuer without discovery (with several: <issuer-url>=<jwks-url>); repeatable',
    parse: repeatedList,
  },
  trustAudience: {
    flag: '--trust-audience',
    value: '<auds>',
    help: 'refuse --trust tokens whose aud is none of these (default: any audience); comma-separated or repeated',
    parse: commaList,
  },
  trustEmailClaim: {
    flag: '--trust-email-claim',
    value: '<claim>',
    help: 'the claim of a --trust token matched to the email of a local account',
    default: 'email',
  },
  roleClaim: {
    flag: '--role-claim',
    value: '<path>',
    help: 'where a --trust token names its role(s): a claim, a dotted path (realm_access.roles) or a namespaced claim',
    default: 'role',
  },
  defaultAccess: {
    flag: '--default-access',
    value: '<who>',
    aliases: ['--defaultAccess'],
    help: 'who may use a resource no rule names',
    choices: ['authenticated', 'public'] satisfies DefaultAccess[],
    default: 'authenticated',
  },
  passwordMinLength: {
    flag: '--password-min-length',
    value: '<n>',
    aliases: ['--passwordMinLength'],
    help: 'shortest password registration accepts',
    parse: wholeNumber('--password-min-length', 1, 1024),
    default: 8,
  },
  defaultRole: {
    flag: '--default-role',
    value: '<role>',
    help: 'role of self-registered accounts, like customer (registration never lets the caller choose)',
    default: DEFAULT_ROLE,
  },
  allowReset: { flag: '--allow-reset', help: 'add POST /__reset (admin only): data, accounts and sessions back to how they were at start' },
  publicEmails: { flag: '--public-emails', help: "show every account's email to every caller of the users resource (default: only to its owner and admins)" },
} as const satisfies Record<string, OptionSpec>;

type Table = typeof OPTION_TABLE;
export type OptionName = keyof Table;

/** A flag's value once read: what its parser returns, one of its choices, its text (a list for `<files...>`), or on/off. */
type FlagValue<Spec> = Spec extends { parse(...args: never[]): infer Parsed }
  ? Parsed
  : Spec extends { choices: readonly (infer Choice)[] }
    ? Choice
    : Spec extends { value: `<${string}...>` }
      ? string[]
      : Spec extends { value: string }
        ? string
        : boolean;

/** What the serve command reads from its flags and the config file, by option name; a flag with a default is always set. */
export type ServeFlags = {
  -readonly [Name in OptionName]: Table[Name] extends { default: unknown } ? FlagValue<Table[Name]> : FlagValue<Table[Name]> | undefined;
};

/** The options that set the ServerOptions key of their name. */
export type ServerOptionName = { [Name in OptionName]: Table[Name] extends { commandLineOnly: true } ? never : Name }[OptionName];

/** The value a flag gives its ServerOptions key. */
export type ServerOptionValue<Name extends ServerOptionName> = Table[Name] extends { toServerOption(...args: never[]): infer Value } ? Value : ServeFlags[Name];

export const OPTION_NAMES = Object.keys(OPTION_TABLE) as OptionName[];

/** The table's entry for a name, seen through the common shape (the table itself keeps each entry's literal types). */
export const specOf = (name: OptionName): OptionSpec => OPTION_TABLE[name];

/** An on/off switch takes no value: `--cookie`, `--no-cors`. */
export const isSwitch = (spec: OptionSpec): boolean => spec.value === undefined;

export const isServerOption = (name: OptionName): name is ServerOptionName => !specOf(name).commandLineOnly;
