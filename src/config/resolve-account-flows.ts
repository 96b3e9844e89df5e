import { isIPv6 } from 'node:net';
import { ConfigError } from '../errors';
import type { SmtpServer } from '../mail/smtp-relay';
import { oneOf } from './option-checks';
import { OPTION_TABLE } from './option-table';
import type { ServerOptions } from './server-options';

/** README "Password reset and email verification": where the mails' links lead. */
export interface ResolvedAccountFlows {
  /** --reset-url with `{token}`; undefined: the server's own reset page. */
  resetUrl?: string;
  requireVerifiedEmail: boolean;
  /** --login-field: what a registration must give, and the login page asks for (README "Login by username"). */
  loginField: 'email' | 'username';
  /** --smtp: the server every mail is also relayed to (README "The outbox"); undefined: the outbox folder only. */
  smtp?: SmtpServer;
}

function resolveResetUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text.replaceAll('{token}', 'TOKEN'));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !text.includes('{token}'))
    throw new ConfigError(
      'ERR_OPTION',
      `reset-url: "${text}" is not an http(s) URL with {token} where the token goes, like 'http://localhost:5173/reset?token={token}'`,
    );
  return text;
}

/** A host name (letters, digits, `-`, `_` for a compose service, dots between) or an IPv4 address; IPv6 goes in brackets. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** `localhost:1025`, `mailpit:1025`, `[::1]:1025`: where --smtp relays the mails. */
function resolveSmtp(text: string | undefined): SmtpServer | undefined {
  if (text === undefined) return undefined;
  const shape = typeof text === 'string' ? /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(text) : null;
  const host = shape?.[1] ?? shape?.[2];
  if (!shape || host === undefined || !(shape[1] === undefined ? HOST_NAME.test(host) : isIPv6(host)))
    throw new ConfigError(
      'ERR_OPTION',
      `smtp: ${JSON.stringify(text)} is not the host:port of an SMTP server, like 'localhost:1025' (Mailpit, MailHog) or '[::1]:1025'`,
    );
  const port = Number(shape[3]);
  if (port < 1 || port > 65535) throw new ConfigError('ERR_OPTION', `smtp: ${JSON.stringify(text)}: the port must be from 1 to 65535, like 'localhost:1025'`);
  return { host, port };
}

export function resolveAccountFlows(options: ServerOptions): ResolvedAccountFlows {
  return {
    resetUrl: resolveResetUrl(options.resetUrl),
    requireVerifiedEmail: options.requireVerifiedEmail ?? false,
    loginField: oneOf('login-field', options.loginField ?? OPTION_TABLE.loginField.default, OPTION_TABLE.loginField.choices),
    smtp: resolveSmtp(options.smtp),
  };
}
