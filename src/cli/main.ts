// First, so that its signal listeners are in place while the rest loads.
import { beforeSignalExit } from './signals';
import { CommanderError, type Command } from 'commander';
import { ConfigError, RuntimeError, type CliErrorCode } from '../errors';
import { normalizeArgs } from './argv';
import { applyConfigFile } from './config-file';
import { addInitCommand } from './commands/init';
import { addKeysCommand } from './commands/keys';
import { addOpenApiCommand } from './commands/openapi';
import { addTokenCommand } from './commands/token';
import { addUsersCommand } from './commands/users';
import { buildProgram, serveFlagsOf } from './program';
import { serve, type RunningServer } from './commands/serve';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- package.json sits outside rootDir, so it cannot be imported
const { version } = require('../../package.json') as { version: string };

/** Exit codes (README "Command line"). */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/**
 * One line on stderr, even with --quiet: the message, then the stable code (README "Command line") that scripts and
 * tests react to. An error that is none of ours (a bug, or the system refusing something unforeseen) has no code:
 * a made-up one would claim a documented meaning it does not have.
 */
function fail(message: string, exitCode: number, code?: CliErrorCode): never {
  const line = message.replace(/\s*\n\s*/g, ' ').trim();
  process.stderr.write(`fake-jwt-api: ${code === undefined ? line : `${line} [${code}]`}\n`);
  process.exit(exitCode);
}

/** The code of one of our errors; undefined for any other. */
const codeOf = (error: unknown): CliErrorCode | undefined => (error instanceof ConfigError || error instanceof RuntimeError ? error.code : undefined);

/** Every way a command ends badly, as an exit code and one line on stderr. */
function exitFor(error: unknown): never {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) process.exit(EXIT.ok); // --help, --version
    if (error.code === 'commander.help') process.exit(EXIT.usage); // `users` without add or list: its help is on stderr
    // A flag's value its parser refused (--port abc, PORT=abc) is the option's fault, as when the config file gives it.
    const code = error.code === 'commander.invalidArgument' ? 'ERR_OPTION' : 'ERR_USAGE';
    fail(`${error.message.replace(/^error: /, '')} (see fake-jwt-api --help)`, EXIT.usage, code);
  }
  if (error instanceof ConfigError) fail(error.message, EXIT.usage, error.code);
  if (error instanceof RuntimeError) fail(error.message, EXIT.runtime, error.code);
  fail(error instanceof Error ? error.message : String(error), EXIT.runtime);
}

/** commander answers `help <unknown>` with the main help and exit 0; a name that is no command is a usage error. */
function refuseHelpOfUnknownCommand(program: Command, argv: readonly string[]): void {
  const [first, second] = argv.slice(2);
  if (first !== 'help' || second === undefined || second.startsWith('-') || second === 'help') return;
  const names = program.commands.map((each) => each.name());
  if (!names.includes(second))
    fail(`help: there is no command "${second}"; the commands are ${names.join(', ')} (see fake-jwt-api --help)`, EXIT.usage, 'ERR_USAGE');
}

/** The command line: `main(process.argv)`. Resolves once the server listens; exits the process on errors. */
export async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram(version);
  // A subcommand's flags (token --users, --issuer) are its own, not the serving ones of the same name.
  program.enablePositionalOptions();
  // Errors are reported by fail(), in one line; help asked for by a missing subcommand still shows.
  // Set before the subcommands are added: they inherit it.
  program.exitOverride().configureOutput({ outputError: () => undefined });
  let running: RunningServer | undefined;
  let command: Promise<unknown> | undefined;
  // SIGINT and SIGTERM: the command finishes (a server its startup), a server stops and saves, then exit 0.
  beforeSignalExit(async () => {
    // A command that fails is reported below with its own exit code: that exit is the one to wait for.
    await command?.catch(() => new Promise<never>(() => undefined));
    await running
      ?.close()
      .catch((error: unknown) => fail(`could not save the last changes on shutdown: ${(error as Error).message}`, EXIT.runtime, codeOf(error)));
  });
  addInitCommand(program);
  addUsersCommand(program);
  addTokenCommand(program);
  addKeysCommand(program);
  addOpenApiCommand(program);
  program.action(async (db: string) => {
    const fileOnly = applyConfigFile(program);
    running = await serve(db, serveFlagsOf(program), fileOnly);
  });
  // `--help | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
  refuseHelpOfUnknownCommand(program, argv);
  try {
    command = program.parseAsync([...argv.slice(0, 2), ...normalizeArgs(argv.slice(2))]);
    await command;
  } catch (error) {
    exitFor(error);
  }
}
