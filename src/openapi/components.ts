/**
 * The parts of the OpenAPI document every operation shares (README "OpenAPI and typed clients"): the error body
 * every refusal has (README "HTTP API"), the responses that carry it, and the Bearer scheme.
 */

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it), kept as plain data: the document is JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/** An OpenAPI Operation Object, as plain data. */
export type Operation = { [field: string]: unknown };

/** Path → method (lowercase) → Operation. */
export type Paths = { [path: string]: { [method: string]: Operation } };

export const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Every error is `{ error, message }` (README "HTTP API"); `error` is one of a closed set of codes. */
const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: {
      type: 'string',
      description: 'A stable code: invalid_request, invalid_credentials, invalid_token, invalid_grant, forbidden, not_found, conflict, …',
    },
    message: { type: 'string', description: 'A sentence saying what went wrong and what to do.' },
  },
  example: { error: 'invalid_token', message: 'The access token has expired: refresh it (POST /auth/refresh) or log in again.' },
};

const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref('schemas', 'Error') } },
});

/** RFC 6750 §3: every 401 says how to authenticate, and why a token was refused. */
const WWW_AUTHENTICATE = {
  'WWW-Authenticate': {
    description: 'RFC 6750: `Bearer realm="fake-jwt-api"`, with `error="invalid_token"` and an `error_description` when a token was sent and refused.',
    schema: { type: 'string' },
  },
};

/** Standard responses, by the name operations refer to them with (`ref('responses', 'Unauthorized')`). */
export const ERROR_RESPONSES = {
  BadRequest: errorResponse('`invalid_request`: a missing or malformed field, or a body that is not JSON.'),
  Unauthorized: errorResponse('`invalid_token`: no access token, or a malformed, badly signed, expired or revoked one.', WWW_AUTHENTICATE),
  Forbidden: errorResponse('`forbidden`: the caller is authenticated but the rule does not let them (a role, not the owner, `--read-only`).'),
  NotFound: errorResponse('`not_found`: no such route or record.'),
  Conflict: errorResponse('`conflict`: the email or username is taken, or the id exists.'),
  TooManyRequests: errorResponse('Too many attempts (README "Rate limits"): `Retry-After` says when to try again.', {
    'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
  }),
} as const;

export const ERROR_SCHEMAS: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };

/** The access token scheme; `alg` is the server's (--alg). */
export function bearerScheme(alg: string) {
  return {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: `An access token from POST /auth/login (or /auth/register, /auth/refresh), signed ${alg}. Send it as \`Authorization: Bearer <token>\`.`,
  };
}
