import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import type { Data } from '../json-server/database';
import { defaultStateDir } from '../state/state-dir';
import { nonEmptyString } from './option-checks';
import type { ServerOptions } from './server-options';

/** Where the server's files are: every path absolute, every default beside the db (or the working directory). */
export interface ResolvedPlaces {
  db: string | Data;
  users: string;
  stateDir: string;
  routes?: string | Record<string, unknown>;
  static?: string;
}

/** The db's folder, where users.json and routes.json are looked for; the working directory for in-memory data. */
function dirOf(db: string | Data): string {
  return typeof db === 'string' ? path.dirname(path.resolve(db)) : process.cwd();
}

export function resolvePlaces(options: ServerOptions): ResolvedPlaces {
  if (options.db === undefined || options.db === null) throw new ConfigError('ERR_OPTION', 'db: a db.json path, a .js file or an object of data is required');
  const dir = dirOf(options.db);
  const users = path.resolve(nonEmptyString('users', options.users) ?? path.join(dir, 'users.json'));
  const stateDir = nonEmptyString('stateDir', options.stateDir);
  const routesBesideDb = path.join(dir, 'routes.json');
  const publicDir = path.resolve('public');
  return {
    db: options.db,
    users,
    stateDir: stateDir === undefined ? defaultStateDir(users) : path.resolve(stateDir),
    routes: options.routes ?? (typeof options.db === 'string' && existsSync(routesBesideDb) ? routesBesideDb : undefined),
    static: nonEmptyString('static', options.static) ?? (existsSync(publicDir) ? publicDir : undefined),
  };
}
