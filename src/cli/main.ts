// First, so that its signal listeners are in place while the rest loads.
import { beforeSignalExit } from './signals';
import { CommanderError, Option } from 'commander';
import { ConfigError, RuntimeError } from '../errors';
import { normalizeArgs } from './argv';
import { applyConfigFile } from './config-file';
import { DEFAULTS } from '../config/options';
import { runInit } from './commands/init';
import { issueToken, type TokenOptions } from './commands/token';
import { addUser, listUsers, type UsersAddOptions } from './commands/users';
import { buildProgram, defaultRoleOption, passwordMinLengthOption, stateDirOption, type ServeFlags } from './program';
import { serve, type RunningServer } from './commands/serve';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../../package.json') as { version: string };

/** Exit codes (README "Command line"). */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

function fail(message: string, code: number): never {
  // One line, on stderr, even with --quiet.
  process.stderr.write(`fake-jwt-api: ${message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
  process.exit(code);
}

/** The command line: `main(process.argv)`. Resolves once the server listens; exits the process on errors. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram(version);
  // A subcommand's flags (token --users, --issuer) are its own, not the serving ones of the same name.
  program.enablePositionalOptions();
  // Errors are reported by fail(), in one line; help asked for by a missing subcommand still shows.
  program.exitOverride().configureOutput({ outputError: () => undefined });
  let running: RunningServer | undefined;
  let command: Promise<unknown> | undefined;
  // SIGINT and SIGTERM: the command finishes (a server its startup), a server stops and saves, then exit 0.
  beforeSignalExit(async () => {
    // A command that fails is reported below with its own exit code: that exit is the one to wait for.
    await command?.catch(() => new Promise<never>(() => undefined));
    await running?.close().catch((error: unknown) => fail(`could not save the last changes on shutdown: ${(error as Error).message}`, EXIT.runtime));
  });
  program
    .command('init')
    .argument('[dir]', 'folder to write the starter files into', '.')
    .option('--force', 'overwrite existing files')
    .description('write starter db.json, users.json and routes.json, and ignore the state folder in .gitignore')
    .action(async (dir: string, options: { force?: boolean }) => {
      await runInit(dir, Boolean(options.force), (...lines: string[]) => console.log(lines.join('\n')));
    });
  const users = program.command('users').description('add or list the accounts of users.json');
  users
    .command('add')
    .description('add an account (its password hashed), safely while a server runs')
    .argument('<email>', 'the new account\'s email')
    .option('-u, --users <file>', 'accounts file', 'users.json')
    .option('--role <role>', 'its role (default: --default-role)')
    .addOption(defaultRoleOption("the role when --role is not given, as the server's flag of that name"))
    .addOption(stateDirOption())
    .option('--password <password>', 'its password (default: generated and printed once)')
    .addOption(passwordMinLengthOption("shortest --password accepted, as the server's flag of that name"))
    .action(async (email: string, options: UsersAddOptions) => {
      await addUser(email, options, (line) => console.log(line));
    });
  users
    .command('list')
    .description('show ids, emails and roles (never a hash)')
    .option('-u, --users <file>', 'accounts file', 'users.json')
    .addOption(stateDirOption())
    .action(async (options: { users: string; stateDir?: string }) => {
      await listUsers(options.users, (line) => console.log(line), options.stateDir);
    });
  program
    .command('token')
    .argument('<email>', 'the account to sign in')
    .option('-u, --users <file>', 'accounts file', 'users.json')
    .addOption(new Option('--secret <secret>', 'the signing secret the server uses (default: the one in .fake-jwt-api/)').env('JWT_SECRET'))
    .option('--issuer <iss>', 'the iss claim, as the server has it', DEFAULTS.issuer)
    .option('--audience <aud>', 'the aud claim, as the server has it')
    .option('--ttl <duration>', 'how long the token lives', DEFAULTS.accessTtl)
    .addOption(stateDirOption())
    .description('print an access token the running server accepts: TOKEN=$(fake-jwt-api token alice@example.com)')
    .action(async (email: string, options: TokenOptions) => {
      process.stdout.write(`${await issueToken(email, options)}\n`);
    });
  program.action(async (db: string) => {
    applyConfigFile(program);
    running = await serve(db, program.opts<ServeFlags>());
  });
  // `--help | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
  // commander answers `help <unknown>` with the main help and exit 0; a name that is no command is a usage error.
  const [first, second] = argv.slice(2);
  if (first === 'help' && second !== undefined && !second.startsWith('-') && second !== 'help' && !program.commands.some((each) => each.name() === second)) {
    fail(`help: there is no command "${second}"; the commands are ${program.commands.map((each) => each.name()).join(', ')} (see fake-jwt-api --help)`, EXIT.usage);
  }
  try {
    command = program.parseAsync([...argv.slice(0, 2), ...normalizeArgs(argv.slice(2))]);
    await command;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(EXIT.ok); // --help, --version
      if (error.code === 'commander.help') process.exit(EXIT.usage); // `users` without add or list: its help is on stderr
      fail(`${error.message.replace(/^error: /, '')} (see fake-jwt-api --help)`, EXIT.usage);
    }
    if (error instanceof ConfigError) fail(error.message, EXIT.usage);
    if (error instanceof RuntimeError) fail(error.message, EXIT.runtime);
    fail(error instanceof Error ? error.message : String(error), EXIT.runtime);
  }
}
