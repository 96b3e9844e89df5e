import type { RequestHandler } from 'express';
import { ConfigError } from '../errors';
import { nonEmptyString } from './option-checks';
import { OPTION_TABLE } from './option-table';
import type { ServerOptions } from './server-options';

/** How json-server answers: record ids and foreign keys, compression, delay, the request log, custom middlewares. */
export interface ResolvedServing {
  id: string;
  foreignKeySuffix: string;
  gzip: boolean;
  delay: number;
  logger: boolean;
  middlewares: RequestHandler[];
}

export function resolveServing(options: ServerOptions): ResolvedServing {
  const delay = options.delay ?? 0;
  if (!Number.isFinite(delay) || delay < 0) throw new ConfigError('ERR_OPTION', 'delay: expected a number of milliseconds, 0 or more');
  return {
    id: nonEmptyString('id', options.id) ?? OPTION_TABLE.id.default,
    foreignKeySuffix: nonEmptyString('foreignKeySuffix', options.foreignKeySuffix) ?? OPTION_TABLE.foreignKeySuffix.default,
    gzip: options.gzip ?? true,
    delay,
    logger: options.logger ?? true,
    middlewares: options.middlewares ?? [],
  };
}
