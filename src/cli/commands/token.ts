import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTokenService, SIGNING_ALGORITHM } from '../../auth/tokens';
import { parseDuration } from '../../config/duration';
import { ConfigError } from '../../errors';
import { accountIdentity, roleOf } from '../../accounts/accounts-file';
import { usersFileSource } from '../../accounts/account-sources';
import { AccountStore } from '../../accounts/account-store';
import { SessionStore } from '../../sessions/session-store';
import { loadSigningKey } from '../../auth/signing-key';
import { defaultStateDir, statePaths } from '../../state/state-dir';

export interface TokenOptions {
  users: string;
  secret?: string;
  issuer: string;
  audience?: string;
  ttl: string;
  /** The server's --state-dir: where its secret and sessions are (default .fake-jwt-api beside users.json). */
  stateDir?: string;
}

/**
 * `fake-jwt-api token <email>`: an access token for an account of users.json, for curl scripts. It starts a real
 * session in the state folder (a running server reads it on first sight of the token), so logout ends it and a
 * reset or password change does too. No refresh token: when it expires, run the command again.
 */
export async function issueToken(email: string, options: TokenOptions): Promise<string> {
  const ttlSeconds = parseDuration(options.ttl);
  if (ttlSeconds === undefined) throw new ConfigError(`--ttl: "${options.ttl}" is not a duration like 90s, 15m, 1h or 7d`);
  const users = path.resolve(options.users);
  if (!existsSync(users)) throw new ConfigError(`${options.users}: no such accounts file; pass --users <file>, or create one with fake-jwt-api init`);
  const state = statePaths(options.stateDir === undefined ? defaultStateDir(users) : path.resolve(options.stateDir));
  const accounts = await AccountStore.open(usersFileSource(users, state.dir));
  const account = await accounts.findByEmail(email);
  if (!account) throw new ConfigError(`${options.users}: no account has the email ${email} (see fake-jwt-api users list)`);

  const key = await loadSigningKey(options.secret, state.secret);
  const session = await SessionStore.startInFile(
    { file: state.sessions, now: Date.now, refreshTtlSeconds: ttlSeconds, sessionTtlSeconds: ttlSeconds, accessTtlSeconds: ttlSeconds },
    String(account.id),
    accountIdentity(account),
  );
  const tokens = makeTokenService({ key, algorithm: SIGNING_ALGORITHM, issuer: options.issuer, audience: options.audience, accessTtlSeconds: ttlSeconds, now: Date.now });
  return tokens.issueAccessToken({ id: account.id, email: account.email, role: roleOf(account) }, session.id).token;
}
