import express from 'express';
import { isIP } from 'node:net';
import { ConfigError } from '../errors';
import { DEFAULT_THROTTLE_POLICY, NO_THROTTLING, type ThrottlePolicy } from '../throttle/policy';
import { parseDuration } from './duration';
import type { ServerOptions } from './server-options';

/** README "Rate limits": how failed logins are throttled, and whose address a request comes from. */
export interface ResolvedLimits {
  throttle: ThrottlePolicy;
  /** Express's `trust proxy`: false (the socket's address, the default), true, a hop count, or trusted addresses. */
  trustProxy: boolean | number | string[];
}

const EXAMPLE = "like 'login=5/15m,ip=50/15m' (failures per account and address / longest wait; failures per address / window), or off";

function limitPart(name: string, text: string): { failures: number; ms: number } | undefined {
  if (text === 'off') return undefined;
  const match = /^(\d{1,6})\/(.+)$/.exec(text);
  const ms = match ? parseDuration(match[2]) : undefined;
  if (!match || Number(match[1]) < 1 || ms === undefined || ms < 1)
    throw new ConfigError('ERR_OPTION', `rate-limit: "${name}=${text}" is not a number of failures and a duration; write it ${EXAMPLE}`);
  return { failures: Number(match[1]), ms: ms * 1000 };
}

/** `off`, `on` (the defaults), or `login=N/<longest wait>` and `ip=N/<window>`, each also `off`; a part not named keeps its default. */
export function resolveThrottle(spec: unknown): ThrottlePolicy {
  if (spec !== undefined && typeof spec !== 'string') throw new ConfigError('ERR_OPTION', `rate-limit: expected text, ${EXAMPLE}`);
  const text = (spec ?? 'on').trim().toLowerCase();
  if (text === 'off' || text === 'false') return NO_THROTTLING;
  if (text === 'on' || text === 'true' || text === '') return DEFAULT_THROTTLE_POLICY;
  let { pair, address } = DEFAULT_THROTTLE_POLICY;
  const named = new Set<string>();
  for (const part of text.split(',').map((item) => item.trim())) {
    const [name, value, extra] = part.split('=');
    if (extra !== undefined || named.has(name))
      throw new ConfigError('ERR_OPTION', `rate-limit: "${part}" ${extra !== undefined ? 'has one = too many' : `names ${name} twice`}; write it ${EXAMPLE}`);
    named.add(name);
    if (name === 'login' && value !== undefined) {
      const limit = limitPart(name, value);
      // The first wait is a minute, or the longest when that is shorter; it doubles up to the longest.
      pair = limit && { failures: limit.failures, firstWaitMs: Math.min(DEFAULT_THROTTLE_POLICY.pair!.firstWaitMs, limit.ms), longestWaitMs: limit.ms };
    } else if (name === 'ip' && value !== undefined) {
      const limit = limitPart(name, value);
      address = limit && { failures: limit.failures, windowMs: limit.ms };
    } else throw new ConfigError('ERR_OPTION', `rate-limit: "${part}" names no limit; write it ${EXAMPLE}`);
  }
  return { ...(pair && { pair }), ...(address && { address }) };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** --trust-proxy, as Express's `trust proxy` takes it: true, a number of hops, or addresses and subnets (a list). */
export function resolveTrustProxy(value: ServerOptions['trustProxy']): ResolvedLimits['trustProxy'] {
  if (value === undefined || value === false || String(value).toLowerCase() === 'false') return false;
  if (value === true || String(value).toLowerCase() === 'true') return true;
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return Number(value);
  const items = (Array.isArray(value) ? value : String(value).split(',')).map((item) => String(item).trim()).filter(Boolean);
  for (const item of items) {
    const [address, bits, extra] = item.split('/');
    const family = isIP(address);
    const prefixOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_NAMES.has(item) && (family === 0 || !prefixOk || extra !== undefined))
      throw new ConfigError(
        'ERR_OPTION',
        `trust-proxy: "${item}" is not an address, a subnet (10.0.0.0/8) or loopback, linklocal, uniquelocal; or give true, or a number of hops`,
      );
  }
  // Express's own parser (proxy-addr) has the last word: what it refuses would stop the start with its message.
  try {
    express().set('trust proxy', items);
  } catch (error) {
    throw new ConfigError('ERR_OPTION', `trust-proxy: ${(error as Error).message}; give addresses or subnets like 10.0.0.0/8, or loopback`);
  }
  return items;
}

export function resolveLimits(options: ServerOptions): ResolvedLimits {
  return { throttle: resolveThrottle(options.rateLimit), trustProxy: resolveTrustProxy(options.trustProxy) };
}
