import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS } from '../config/options';
import { parseDuration } from '../config/duration';

/** What the serve command reads from its flags (and the config file). */
export interface ServeFlags {
  port: number;
  host: string;
  watch?: boolean;
  routes?: string;
  middlewares?: string[];
  static?: string;
  readOnly?: boolean;
  cors: boolean;
  gzip: boolean;
  snapshots: string;
  delay?: number;
  id: string;
  foreignKeySuffix: string;
  quiet?: boolean;
  config: string;
  users?: string;
  stateDir?: string;
  secret?: string;
  accessTtl: string;
  refreshTtl: string;
  sessionTtl: string;
  singleSession?: boolean;
  cookie?: boolean;
  cookieSecure?: boolean;
  cookieSameSite: 'Strict' | 'Lax' | 'None';
  corsOrigin?: string[];
  allowedHost?: string[];
  issuer: string;
  audience?: string;
  defaultAccess: 'authenticated' | 'public';
  passwordMinLength: number;
  defaultRole: string;
  allowReset?: boolean;
  publicEmails?: boolean;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** `--cors-origin a,b --cors-origin c` (or --allowed-host): one list. */
function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

function duration(value: string): string {
  if (parseDuration(value) === undefined) throw new InvalidArgumentError('use seconds, or a number with s, m, h, d or w, like 10s, 15m, 1h or 7d.');
  return value;
}

const EXAMPLES = `
Examples:
  $ fake-jwt-api db.json                          serve db.json; accounts from users.json beside it
  $ fake-jwt-api db.json --port 4000 --watch      another port, reload when the files change
  $ fake-jwt-api db.json --default-access public  json-server's behaviour: resources open, /auth still works
  $ JWT_SECRET=$(openssl rand -hex 32) fake-jwt-api db.json --access-ttl 15m
  $ fake-jwt-api ./help                           a db file named like a command (help, init, users, token)

Access rules live in the routes file (routes.json beside the db, or --routes), beside json-server's rewrites:
  {"/notes": {"*": "owner"}, "/posts": {"read": "public"}, "/api/*": "/$1"}
  each user reads and writes only their own notes; anyone reads posts; /api/posts is /posts
  $ fake-jwt-api data.js --routes access.json     data from a script, rules and rewrites from access.json

Other sites and other machines:
  $ fake-jwt-api db.json --cors-origin https://app.example.com      that site's pages may log in too
  $ fake-jwt-api db.json --host 0.0.0.0 --allowed-host mybox.local  a phone on the LAN, by IP or by name

Then open http://localhost:3000 in a browser for the playground, or:
  $ curl -X POST localhost:3000/auth/login -H 'Content-Type: application/json' \\
      -d '{"email":"alice@example.com","password":"alice123"}'
  $ TOKEN=$(fake-jwt-api token alice@example.com)     a token without the password
  $ curl localhost:3000/posts -H "Authorization: Bearer $TOKEN"
`;

/** --password-min-length, for the server and for `users add`, which apply the same rule. */
export function passwordMinLengthOption(description: string): Option {
  return new Option('--password-min-length <n>', description).argParser(integer('--password-min-length', 1, 1024)).default(DEFAULTS.passwordMinLength);
}

/** --state-dir, for the server and for `users` and `token`, which must find the state where the server keeps it. */
export function stateDirOption(): Option {
  return new Option('--state-dir <dir>', 'folder of the state: secret, sessions, ids, locks (default: .fake-jwt-api beside the accounts file)');
}

/** --default-role, for the server (self-registered accounts) and for `users add` (when --role is not given). */
export function defaultRoleOption(description: string): Option {
  return new Option('--default-role <role>', description).default(DEFAULTS.defaultRole);
}

/** The command line as commander reads it. Options carry json-server's names, short forms and defaults. */
export function buildProgram(version: string): Command {
  return new Command('fake-jwt-api')
    .description("json-server's fake REST API behind real JWT authentication")
    .version(version, '-v, --version')
    // A db argument spelt "help" asks for help; `./help` serves a file of that name.
    .helpCommand('help [command]', "show help, or a command's help")
    .argument('[db]', 'a JSON file, or a .js/.cjs file exporting data (written with example data if missing; ./help for a file named help)', 'db.json')
    .addOption(new Option('-p, --port <port>', 'port').env('PORT').argParser(integer('--port', 0, 65535)).default(3000))
    .option('-H, --host <host>', 'host to listen on', 'localhost')
    .option('-w, --watch', 'reload when the db or routes file changes')
    .option('-r, --routes <file>', 'access rules, rewrites and json-server-auth guards (default: routes.json beside the db, when present)')
    .option('-m, --middlewares <files...>', 'Express middleware files, run after the access check')
    .option('-s, --static <dir>', 'static files folder (default: ./public when present)')
    .option('--read-only', 'allow only reads of resources (alias --ro); /auth keeps working')
    .option('--no-cors', 'turn CORS off (alias --nc)')
    .option('--no-gzip', 'turn gzip off (alias --ng)')
    .option('-S, --snapshots <dir>', 'folder for snapshots (type s + enter)', '.')
    .addOption(new Option('-d, --delay <ms>', 'delay every response by this many milliseconds').argParser(integer('--delay', 0, 600000)))
    .option('-i, --id <name>', 'id property of records', DEFAULTS.id)
    .option('--foreignKeySuffix <suffix>', 'foreign key suffix, as in postId (alias --fks)', DEFAULTS.foreignKeySuffix)
    .option('-q, --quiet', 'no banner and no request log')
    .option('-c, --config <file>', 'JSON file of these options', 'json-server.json')
    .option('-u, --users <file>', 'accounts file (default: users.json beside the db)')
    .addOption(stateDirOption())
    .addOption(new Option('--secret <secret>', 'HS256 signing secret, at least 32 bytes (default: generated once, kept in .fake-jwt-api/)').env('JWT_SECRET'))
    .addOption(new Option('--access-ttl <duration>', 'access token lifetime').argParser(duration).default(DEFAULTS.accessTtl))
    .addOption(new Option('--refresh-ttl <duration>', 'refresh token lifetime (each refresh gives a new one)').argParser(duration).default(DEFAULTS.refreshTtl))
    .addOption(new Option('--session-ttl <duration>', "a session's absolute lifetime from its login").argParser(duration).default(DEFAULTS.sessionTtl))
    .option('--single-session', "a login ends the user's earlier sessions")
    .option('--cookie', 'refresh tokens in an HttpOnly cookie (Path /auth) instead of the body')
    .option('--cookie-secure', "the cookie's Secure flag (https only)")
    .addOption(new Option('--cookie-same-site <value>', "the cookie's SameSite").choices(['Strict', 'Lax', 'None']).default(DEFAULTS.cookieSameSite))
    .addOption(new Option('--cors-origin <origins>', "origins whose pages may log in and get tokens, besides localhost's and the server's own; comma-separated or repeated; '*' for any").argParser(list))
    .addOption(new Option('--allowed-host <hosts>', 'host names answered besides localhost and IP addresses (.example.com: with subdomains; all: any); comma-separated or repeated').argParser(list))
    .option('--issuer <iss>', 'the iss claim of tokens', DEFAULTS.issuer)
    .option('--audience <aud>', 'the aud claim of tokens, checked when set')
    .addOption(new Option('--default-access <who>', 'who may use a resource no rule names').choices(['authenticated', 'public']).default(DEFAULTS.defaultAccess))
    .addOption(passwordMinLengthOption('shortest password registration accepts'))
    .addOption(defaultRoleOption('role of self-registered accounts, like customer (registration never lets the caller choose)'))
    .option('--allow-reset', 'add POST /__reset (admin only): data, accounts and sessions back to how they were at start')
    .option('--public-emails', "show every account's email to every caller of the users resource (default: only to its owner and admins)")
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true);
}
