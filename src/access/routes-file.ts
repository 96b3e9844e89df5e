import { ConfigError } from '../errors';
import { readJsonFileSync } from '../store/json-file';

/** What routes.json holds, sorted by kind. Each entry is told apart by the type of its value (SPEC §6). */
export interface RoutesConfig {
  /** json-server rewrites, exactly as json-server's `--routes` reads them. */
  rewrites: Record<string, string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function parseRoutes(where: string, content: unknown): RoutesConfig {
  if (!isPlainObject(content)) throw new ConfigError(`${where}: expected one JSON object, like { "/api/*": "/$1" }`);
  const rewrites: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (!key.startsWith('/')) throw new ConfigError(`${where}: "${key}": a route must start with /`);
    if (typeof value === 'string') {
      if (!value.startsWith('/')) throw new ConfigError(`${where}: "${key}": the rewrite target "${value}" must start with /`);
      rewrites[key] = value;
      continue;
    }
    // Guards (numbers) and access rules (objects) are the next step of the access model; refusing them beats
    // starting a server that silently ignores a rule its author relies on.
    throw new ConfigError(`${where}: "${key}": only rewrites (string values like "/$1") are supported in this version`);
  }
  return { rewrites };
}

export function readRoutesFile(file: string): RoutesConfig {
  return parseRoutes(file, readJsonFileSync(file, (message) => new ConfigError(message)));
}
