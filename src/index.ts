/** The library: build the server in your own code (tests, scripts). The command line is in cli/. */
export { createServer, type FakeJwtApi } from './app/create-server';
export { start, type StartOptions, type StartedServer } from './app/start';
export type { ServerOptions } from './config/options';
export type { DefaultAccess } from './access/guard';
export type { AccessClaims } from './auth/tokens';
export type { Account, PublicUser } from './accounts/accounts-file';
export { ApiError, ConfigError, RuntimeError, type ApiErrorCode, type CliErrorCode } from './errors';
