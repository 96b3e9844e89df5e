import type { DefaultAccess } from '../access/guard';
import { ADMIN_ROLE, isWhoKeyword, parseRoleName } from '../accounts/roles';
import { ConfigError } from '../errors';
import { oneOf } from './option-checks';
import { OPTION_TABLE } from './option-table';
import type { ServerOptions } from './server-options';

/** Who may do what: the access no rule names, registration's rules, who sees emails, the reset route. */
export interface ResolvedAccess {
  defaultAccess: DefaultAccess;
  readOnly: boolean;
  passwordMinLength: number;
  defaultRole: string;
  publicEmails: boolean;
  allowReset: boolean;
}

/** A role name (not a keyword of routes.json), and not admin: a newcomer never gets the keys by registering. */
export function resolveDefaultRole(role: unknown = OPTION_TABLE.defaultRole.default): string {
  if (typeof role === 'string' && isWhoKeyword(role.trim()))
    throw new ConfigError('ERR_OPTION', `default-role: "${role}" is a keyword of routes.json, not a role; give a role name, like customer`);
  let name;
  try {
    name = parseRoleName(role);
  } catch (error) {
    throw new ConfigError('ERR_OPTION', `default-role: ${(error as Error).message}`);
  }
  if (name === ADMIN_ROLE)
    throw new ConfigError(
      'ERR_OPTION',
      `default-role: ${ADMIN_ROLE} would make everyone who registers an administrator; give admins their role with fake-jwt-api users add --role ${ADMIN_ROLE}, or PATCH /auth/users/:id`,
    );
  return name;
}

function resolvePasswordMinLength(length: number = OPTION_TABLE.passwordMinLength.default): number {
  if (!Number.isInteger(length) || length < 1 || length > 1024)
    throw new ConfigError('ERR_OPTION', 'password-min-length: expected a whole number from 1 to 1024');
  return length;
}

export function resolveAccess(options: ServerOptions): ResolvedAccess {
  const { defaultAccess } = OPTION_TABLE;
  return {
    defaultAccess: oneOf('default-access', options.defaultAccess ?? defaultAccess.default, defaultAccess.choices),
    readOnly: options.readOnly ?? false,
    passwordMinLength: resolvePasswordMinLength(options.passwordMinLength),
    defaultRole: resolveDefaultRole(options.defaultRole),
    publicEmails: options.publicEmails ?? false,
    allowReset: options.allowReset ?? false,
  };
}
