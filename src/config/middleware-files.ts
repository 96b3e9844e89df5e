import path from 'node:path';
import type { RequestHandler } from 'express';
import { ConfigError } from '../errors';

/** --middlewares: each file (relative to the working directory) exports one Express middleware. */
export function loadMiddlewares(files: readonly string[] = []): RequestHandler[] {
  return files.map((file) => {
    let exported: unknown;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a user's file, named at run time, loaded as json-server loads it
      exported = require(path.resolve(file)) as unknown;
    } catch (error) {
      throw new ConfigError('ERR_MIDDLEWARE_FILE', `${file}: the middleware failed to load (${(error as Error).message})`);
    }
    if (typeof exported !== 'function')
      throw new ConfigError('ERR_MIDDLEWARE_FILE', `${file}: a middleware file must export a function (req, res, next) => { ... }`);
    return exported as RequestHandler;
  });
}
