/**
 * The small parts the auth API's operations are written with (auth-operations.ts, provider-operations.ts,
 * testing-operations.ts): the features that change the description, request and response shapes, security.
 */
import { ref, type JsonSchema, type Operation } from './components';

/** What the auth API looks like on this server: the flags that change its requests and answers. */
export interface AuthApiFeatures {
  cookieMode: boolean; // --cookie: the refresh token travels in an HttpOnly cookie, not in the body
  loginField: 'email' | 'username';
  allowClientTtl: boolean; // a login may send expiresIn
  passwordMinLength: number;
  provider: boolean; // the OpenID provider's endpoints are served
  allowReset: boolean; // POST /__reset exists; the outbox opens from this machine without a token
  alg: string; // the signing algorithm, for descriptions
  /**
   * --require-verified-email: a registration answers `{ user, message }` without tokens, and a login or refresh of an
   * unverified account is a 403 `email_not_verified`. Absent means off (the default).
   */
  requireVerifiedEmail?: boolean;
}

export const BEARER = [{ bearerAuth: [] }];
export const PUBLIC: never[] = [];
/** A token is read when one comes (it names the caller's own account or session), but the call works without one. */
export const OPTIONAL_BEARER = [{ bearerAuth: [] }, {}];

export const schemaRef = (name: string) => ref('schemas', name);

type Headers = Record<string, { description: string; schema: JsonSchema }>;

const withHeaders = (headers?: Headers) => (headers ? { headers } : {});

/** A request body read as JSON and, where the server takes forms (README "HTTP API"), as the same fields urlencoded. */
export function requestBody(schema: JsonSchema, { form = true, required = true }: { form?: boolean; required?: boolean } = {}) {
  const content: Record<string, { schema: JsonSchema }> = { 'application/json': { schema } };
  if (form) content['application/x-www-form-urlencoded'] = { schema };
  return { required, content };
}

export const jsonResponse = (description: string, schema: JsonSchema, headers?: Headers) => ({
  description,
  ...withHeaders(headers),
  content: { 'application/json': { schema } },
});

export const noContent = (description: string, headers?: Headers) => ({ description, ...withHeaders(headers) });

/** A page for a person's browser (the provider's login page, a mailed link's page). */
export const htmlPage = (description: string, headers?: Headers) => ({
  description,
  ...withHeaders(headers),
  content: { 'text/html': { schema: { type: 'string' } } },
});

/** A refusal with the API's `{ error, message }` body, for a status or code the shared responses do not describe. */
export const refusal = (description: string, headers?: Headers) => jsonResponse(description, schemaRef('Error'), headers);

/** RFC 6750 §3: the challenge a 401 of the API carries. */
export const CHALLENGE: Headers = {
  'WWW-Authenticate': { description: 'RFC 6750: `Bearer realm="fake-jwt-api"`.', schema: { type: 'string' } },
};

/** The refresh cookie that --cookie mode sets instead of putting the refresh token in the body. */
export const REFRESH_COOKIE: Headers = {
  'Set-Cookie': {
    description: '`fja_refresh=<refresh token>; Path=/auth; HttpOnly; SameSite=Lax` (`--cookie-same-site`, `Secure` with `--cookie-secure`).',
    schema: { type: 'string' },
  },
};

/** The 403 of an endpoint about one's session here (the profile, the password, sessions, a logout by access token). */
export const OWN_SESSION_ONLY = '`forbidden`: a `--trust` provider’s token or a service token, which has no session here';

export const shared = (name: 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'Conflict' | 'TooManyRequests') => ref('responses', name);

export const pathParameter = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });

export interface OperationSpec {
  id: string;
  tag: 'auth' | 'account' | 'admin' | 'openid' | 'testing';
  summary: string;
  description: string;
  security: unknown[];
  parameters?: unknown[];
  body?: unknown;
  responses: Record<string, unknown>;
}

/** An Operation Object, its fields in the order a reader of the document expects them. */
export function operation({ id, tag, summary, description, security, parameters, body, responses }: OperationSpec): Operation {
  return {
    operationId: id,
    tags: [tag],
    summary,
    description,
    security,
    ...(parameters ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/** A string in a schema, with what it is. */
export const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });

/** An object schema: `required` lists the members always there. */
export const object = (properties: Record<string, JsonSchema>, required: string[], extra: JsonSchema = {}): JsonSchema => ({
  type: 'object',
  ...(required.length > 0 ? { required } : {}),
  properties,
  ...extra,
});
