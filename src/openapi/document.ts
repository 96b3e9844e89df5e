/**
 * The OpenAPI 3.1 document of a server (README "OpenAPI and typed clients"): its resources as json-server serves
 * them, with the access routes.json gives, and the auth API, as the flags shape it. Built from the live state each
 * time it is asked for, so it follows db.json (and --watch) without a cache to go stale.
 */
import { authPaths, type AuthApiFeatures } from './auth-operations';
import { bearerScheme, ERROR_RESPONSES, ERROR_SCHEMAS, type Operation, type Paths } from './components';
import { resourcePaths, type ResourceInput } from './resource-operations';

export interface OpenApiInput extends Omit<ResourceInput, 'schemes' | 'takenNames'> {
  /** info.title: the data file's name, say. */
  title: string;
  /** info.version: the version of fake-jwt-api that describes it. */
  version: string;
  /** servers[0].url: the origin a client reaches (the request's, or --host and --port for the command). */
  serverUrl: string;
  auth: AuthApiFeatures;
  /** POST /users registers (json-server-auth's way) when `users` is the accounts' collection. */
  registerAtUsers: boolean;
  /** routes.json's rewrites: the paths also answer under them. */
  rewrites: Record<string, string>;
}

/** operationIds are unique in a document (OpenAPI 3.1 §4.8.10): a resource's that meets another's gets a number. */
function uniqueOperationIds(paths: Paths): void {
  const seen = new Set<string>();
  for (const item of Object.values(paths))
    for (const op of Object.values(item)) {
      if (typeof op !== 'object' || typeof op.operationId !== 'string') continue;
      let id = op.operationId;
      for (let n = 2; seen.has(id); n++) id = `${op.operationId}${n}`;
      op.operationId = id;
      seen.add(id);
    }
}

function describeRewrites(rewrites: Record<string, string>): string {
  const entries = Object.entries(rewrites);
  if (entries.length === 0) return '';
  return `\n\nroutes.json rewrites these paths, so each also answers as: ${entries.map(([from, to]) => `\`${from}\` → \`${to}\``).join(', ')}.`;
}

export function buildOpenApiDocument(input: OpenApiInput): Record<string, unknown> {
  const { auth: features, serverUrl } = input;
  const schemes = features.provider ? ['bearerAuth', 'openId'] : ['bearerAuth'];
  const auth = authPaths(features);
  const takenNames = new Set([...Object.keys(ERROR_SCHEMAS), ...Object.keys(auth.schemas)]);
  const resources = resourcePaths({ ...input, schemes, takenNames });
  const paths: Paths = { ...resources.paths, ...auth.paths };
  const register = auth.paths['/auth/register']?.post;
  if (input.registerAtUsers && register) {
    const users = (paths['/users'] ??= {});
    users.post = { ...register, operationId: 'registerAtUsers', tags: ['users'] } as Operation;
    delete (users as { description?: string }).description; // "POST is left out": it is here, as registration
  }
  uniqueOperationIds(paths);
  const openId = { type: 'openIdConnect', openIdConnectUrl: `${serverUrl}/.well-known/openid-configuration`, description: 'This server’s OpenID provider.' };
  return {
    openapi: '3.1.0',
    info: {
      title: input.title,
      version: input.version,
      description:
        'A fake REST API (json-server) behind real authentication, described by fake-jwt-api from the data, the rules and the flags it serves with now. ' +
        'Log in with `POST /auth/login`, then send `Authorization: Bearer <accessToken>`.' +
        describeRewrites(input.rewrites),
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: { ...ERROR_SCHEMAS, ...auth.schemas, ...resources.schemas },
      responses: ERROR_RESPONSES,
      securitySchemes: { bearerAuth: bearerScheme(features.alg), ...(features.provider ? { openId } : {}) },
    },
  };
}
