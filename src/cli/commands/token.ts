import { existsSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { fixedIssuer } from '../../auth/issuer-policy';
import { makeTokenService } from '../../auth/tokens';
import { parseDuration } from '../../config/duration';
import { resolveTokens } from '../../config/resolve-tokens';
import { OPTION_TABLE } from '../../config/option-table';
import { ConfigError } from '../../errors';
import { accountIdentity } from '../../accounts/accounts-file';
import { accountSubject } from '../../auth/account-subject';
import { checkCustomClaimNames } from '../../auth/custom-claims';
import { usersFileSource } from '../../accounts/account-sources';
import { AccountStore } from '../../accounts/account-store';
import { SessionStore } from '../../sessions/session-store';
import { loadSigningKeys } from '../../auth/signing-key';
import { defaultStateDir, statePaths } from '../../state/state-dir';
import { commanderOption, usersFileOption } from '../program';

export interface TokenOptions {
  users: string;
  secret?: string;
  alg?: 'RS256' | 'ES256' | 'EdDSA' | 'HS256';
  issuer?: string;
  /** The server's --port: with a key pair and no --issuer, the issuer is http://localhost:<port>. */
  port?: number;
  audience?: string;
  /** The server's --claims: the profile fields the token carries (README "Custom claims"). */
  claims?: string[];
  ttl: string;
  /** The server's --state-dir: where its secret and sessions are (default .fake-jwt-api beside users.json). */
  stateDir?: string;
}

/**
 * `fake-jwt-api token <email-or-username>`: an access token for an account of users.json, for curl scripts. It starts a real
 * session in the state folder (a running server reads it on first sight of the token), so logout ends it and a
 * reset or password change does too. No refresh token: when it expires, run the command again.
 */
export async function issueToken(name: string, options: TokenOptions): Promise<string> {
  const ttlSeconds = parseDuration(options.ttl);
  if (ttlSeconds === undefined) throw new ConfigError('ERR_OPTION', `--ttl: "${options.ttl}" is not a duration like 90s, 15m, 1h or 7d`);
  const claimNames = checkCustomClaimNames('--claims', options.claims);
  const users = path.resolve(options.users);
  if (!existsSync(users))
    throw new ConfigError('ERR_USERS_FILE', `${options.users}: no such accounts file; pass --users <file>, or create one with fake-jwt-api init`);
  const state = statePaths(options.stateDir === undefined ? defaultStateDir(users) : path.resolve(options.stateDir));
  const accounts = await AccountStore.open(usersFileSource(users, state.dir));
  // An email has an `@`, a username never does (README "Login by username").
  const byEmail = name.includes('@');
  const account = byEmail ? await accounts.findByEmail(name) : await accounts.findByUsername(name);
  if (!account)
    throw new ConfigError('ERR_ACCOUNT', `${options.users}: no account has the ${byEmail ? 'email' : 'username'} ${name} (see fake-jwt-api users list)`);

  // The server's own rules for the algorithm and the issuer: the token is one it accepts.
  const { alg, issuer } = resolveTokens({ db: {}, secret: options.secret, alg: options.alg, issuer: options.issuer });
  const { keys } = await loadSigningKeys({ alg, secret: options.secret, ttlSeconds, now: Date.now, retireOthers: false }, state);
  const session = await SessionStore.startInFile(
    { file: state.sessions, now: Date.now, refreshTtlSeconds: ttlSeconds, sessionTtlSeconds: ttlSeconds, accessTtlSeconds: ttlSeconds },
    String(account.id),
    accountIdentity(account),
  );
  const tokens = makeTokenService({
    keys,
    issuer: fixedIssuer(issuer ?? `http://localhost:${options.port ?? OPTION_TABLE.port.default}`),
    audience: options.audience,
    accessTtlSeconds: ttlSeconds,
    now: Date.now,
  });
  return tokens.issueAccessToken(accountSubject(account, claimNames), session.id).token;
}

/** Its flags are the server's, so that the token is one the server accepts; --ttl is its own. */
export function addTokenCommand(program: Command): void {
  program
    .command('token')
    .argument('<email-or-username>', 'the account to sign in')
    .addOption(usersFileOption())
    .addOption(
      commanderOption('secret', {
        help: 'the secret of a server that signs with HS256 (started with --secret, JWT_SECRET or --alg HS256); leave it out for a server with a key pair (the default): the token is then signed with its key in .fake-jwt-api/keys.json',
      }),
    )
    .addOption(
      commanderOption('alg', {
        help: "the server's --alg (default: RS256; HS256 with --secret / JWT_SECRET); HS256 without --secret signs with the secret in .fake-jwt-api/state.json",
      }),
    )
    .addOption(
      commanderOption('issuer', { help: 'the iss claim, as the server has it (default: http://localhost:<port> with a key pair, fake-jwt-api with HS256)' }),
    )
    .addOption(commanderOption('port', { help: "the server's port, for the default issuer of a key pair" }))
    .addOption(commanderOption('audience', { help: 'the aud claim, as the server has it' }))
    .addOption(commanderOption('claims', { help: "the profile fields the token carries, as the server's flag of that name" }))
    .addOption(new Option('--ttl <duration>', 'how long the token lives').default(OPTION_TABLE.accessTtl.default))
    .addOption(
      commanderOption('stateDir', {
        help: "the server's --state-dir: where keys.json, the secret and the sessions are (default: .fake-jwt-api beside the accounts file)",
      }),
    )
    .description('print an access token the running server accepts: TOKEN=$(fake-jwt-api token alice@example.com)')
    .action(async (email: string, options: TokenOptions) => {
      process.stdout.write(`${await issueToken(email, options)}\n`);
    });
}
