import { Command, InvalidArgumentError, Option } from 'commander';
import { OPTION_NAMES, specOf, type OptionName, type OptionSpec, type ServeFlags } from '../config/option-table';

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

The API's OpenAPI 3.1 document is at /openapi.json (reference page: /docs); for a typed client:
  $ fake-jwt-api openapi db.json -o openapi.json && npx openapi-typescript openapi.json -o api.d.ts
`;

/** `--readOnly` only respells `--read-only`; `--ro` is worth a mention in --help. */
const isRespelling = (alias: string, flag: string) => alias.replace(/-/g, '').toLowerCase() === flag.replace(/-/g, '').toLowerCase();

function helpOf(spec: OptionSpec): string {
  const aliases = (spec.aliases ?? []).filter((alias) => !isRespelling(alias, spec.flag));
  return aliases.length === 0 ? spec.help : `${spec.help} (alias ${aliases.join(', ')})`;
}

/** Commander reports an InvalidArgumentError as "option '--port <port>' argument 'abc' is invalid. <reason>". */
function commanderParser(parse: NonNullable<OptionSpec['parse']>) {
  return (text: string, previous: unknown): unknown => {
    try {
      return parse(text, previous as never);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

/**
 * The commander option of a table entry. A subcommand that shares it (`token --secret`, `users add
 * --password-min-length`) says in its own help what it is for there, and may have its own default.
 */
export function commanderOption(name: OptionName, own: { help?: string; default?: string | number } = {}): Option {
  const spec = specOf(name);
  const flags = [spec.short, spec.value === undefined ? spec.flag : `${spec.flag} ${spec.value}`].filter(Boolean).join(', ');
  const option = new Option(flags, own.help ?? helpOf(spec));
  if (spec.env) option.env(spec.env);
  if (spec.parse) option.argParser(commanderParser(spec.parse));
  if (spec.choices) option.choices(spec.choices);
  const fallback = own.default ?? spec.default;
  if (fallback !== undefined) option.default(fallback);
  return option;
}

/** `-u, --users` of the subcommands: with no db to look beside, the accounts file is users.json here. */
export const usersFileOption = (): Option => commanderOption('users', { help: 'accounts file', default: 'users.json' });

/** The serve command's flags, by option name (commander keeps `--cors-origin` as corsOrigin; the table, as corsOrigins). */
export function serveFlagsOf(program: Command): ServeFlags {
  const entries = OPTION_NAMES.map((name) => [name, program.getOptionValue(commanderOption(name).attributeName())]);
  return Object.fromEntries(entries) as ServeFlags;
}

/** The command line as commander reads it: the serve command's options are the option table's. */
export function buildProgram(version: string): Command {
  const program = new Command('fake-jwt-api')
    .description("json-server's fake REST API behind real JWT authentication")
    .version(version, '-v, --version')
    // A db argument spelt "help" asks for help; `./help` serves a file of that name.
    .helpCommand('help [command]', "show help, or a command's help")
    .argument('[db]', 'a JSON file, or a .js/.cjs file exporting data (written with example data if missing; ./help for a file named help)', 'db.json');
  for (const name of OPTION_NAMES) program.addOption(commanderOption(name));
  return program.addHelpText('after', EXAMPLES).showSuggestionAfterError(true);
}
