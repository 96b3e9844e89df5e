import { ConfigError } from '../errors';
import type { ServerOptions } from './server-options';

/** README "Password reset and email verification": where the mails' links lead. */
export interface ResolvedAccountFlows {
  /** --reset-url with `{token}`; undefined: the server's own reset page. */
  resetUrl?: string;
  requireVerifiedEmail: boolean;
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

export function resolveAccountFlows(options: ServerOptions): ResolvedAccountFlows {
  return { resetUrl: resolveResetUrl(options.resetUrl), requireVerifiedEmail: options.requireVerifiedEmail ?? false };
}
