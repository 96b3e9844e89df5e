import { ConfigError } from '../../errors';
import { readJsonFileSync } from '../../files/json-file';
import { parseRoutes, type RoutesConfig } from './parse';

export function readRoutesFile(file: string): RoutesConfig {
  return parseRoutes(
    file,
    readJsonFileSync(file, (message) => new ConfigError('ERR_ROUTES_FILE', message)),
  );
}
