/**
 * The public documents (src/auth/well-known-routes.ts) and the OpenID provider's endpoints (src/provider/*-routes.ts,
 * README "Use it as your OpenID provider"), served when the server signs with a key pair (not HS256).
 */
import type { JsonSchema, Operation, Paths } from './components';
import { BEARER, htmlPage, jsonResponse, object, operation, PUBLIC, refusal, schemaRef, shared, text, type AuthApiFeatures } from './operation-parts';

const header = (description: string) => ({ description, schema: { type: 'string' } });
const PUBLIC_DOCUMENT = { 'Cache-Control': header('`public, max-age=300`'), 'Access-Control-Allow-Origin': header('`*`: any page may read it.') };
const strings = { type: 'array', items: { type: 'string' } };

function wellKnown(id: string, summary: string, description: string, schema: string): Operation {
  return operation({
    id,
    tag: 'openid',
    summary,
    description: `${description} Answered before the rewrites, the token check and the access rules.`,
    security: PUBLIC,
    responses: { 200: jsonResponse(summary, schemaRef(schema), PUBLIC_DOCUMENT) },
  });
}

export function wellKnownPaths({ alg }: AuthApiFeatures): Paths {
  const discovery = (id: string, standard: string) =>
    wellKnown(
      id,
      'The discovery document',
      `${standard}: the issuer, the JWKS, the revocation and introspection endpoints, and the provider’s when it is on.`,
      'OpenIdConfiguration',
    );
  const keys =
    alg === 'HS256' ? 'Empty with HS256: the secret is never published.' : 'The public keys of every key pair that still verifies (never a private member).';
  return {
    '/.well-known/jwks.json': { get: wellKnown('getJwks', 'The public keys (JWKS)', `${keys} Verify this server’s tokens with them elsewhere.`, 'Jwks') },
    '/.well-known/openid-configuration': { get: discovery('getOpenIdConfiguration', 'OpenID Connect Discovery 1.0') },
    '/.well-known/oauth-authorization-server': { get: discovery('getOAuthServerMetadata', 'RFC 8414, the same document as /.well-known/openid-configuration') },
  };
}

const PROVIDER_METADATA = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'end_session_endpoint',
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'code_challenge_methods_supported',
  'scopes_supported',
  'token_endpoint_auth_methods_supported',
  'claims_supported',
  'prompt_values_supported',
  'authorization_response_iss_parameter_supported',
];

export function wellKnownSchemas({ provider }: AuthApiFeatures): Record<string, JsonSchema> {
  const jwk = object(
    { kty: text('`RSA`, `EC` or `OKP`.'), kid: text('The RFC 7638 thumbprint.'), alg: { type: 'string' }, use: { const: 'sig' } },
    ['kty', 'kid', 'alg', 'use'],
    { description: 'A public key: `n` and `e` (RSA), or `crv`, `x` and `y` (EC), or `crv` and `x` (OKP).', additionalProperties: { type: 'string' } },
  );
  const base = {
    issuer: text('The `iss` of this server’s tokens, for the origin the request used (or `--issuer`).'),
    jwks_uri: { type: 'string' },
    revocation_endpoint: { type: 'string' },
    introspection_endpoint: { type: 'string' },
    subject_types_supported: strings,
    id_token_signing_alg_values_supported: strings,
  };
  const required = [...Object.keys(base), ...(provider ? PROVIDER_METADATA : [])];
  return {
    Jwks: object({ keys: { type: 'array', items: jwk } }, ['keys']),
    OpenIdConfiguration: object(base, required, { additionalProperties: true }),
  };
}

const query = (name: string, description: string, required = false, schema: JsonSchema = { type: 'string' }) => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});
const REDIRECT = { Location: header('Where the browser goes next.') };

function authorize(): Operation {
  return operation({
    id: 'authorize',
    tag: 'openid',
    summary: 'Authorization endpoint (code flow with PKCE)',
    description:
      'For a browser: shows the login page (it works without JavaScript), or, when the browser is signed in at the provider, goes straight back to ' +
      '`redirect_uri` with `code`, `state` and `iss` (any other mistake goes back as `error` and `error_description`). Any `client_id` is a public ' +
      'client whose redirect URI may be any loopback URL. With `--provider-paths auth0`, also at /authorize.',
    security: PUBLIC,
    parameters: [
      query('response_type', '`code`.', true, { const: 'code' }),
      query('client_id', 'Any id (1 to 200 printable characters), or one of the config file’s clients.', true),
      query('redirect_uri', 'A loopback URL, a `--redirect-uri`, or one of the client’s `redirectUris`.', true),
      query('scope', 'Space-separated, with `openid`; `profile`, `email` and `offline_access` are known.', true),
      query('code_challenge', 'The S256 challenge of the code verifier (43 to 128 characters).', true),
      query('code_challenge_method', '`S256` (plain is refused).', true, { const: 'S256' }),
      query('state', 'Sent back as it came.'),
      query('nonce', 'Put into the ID token.'),
      query('prompt', '`none` (never show the form) or `login` (always show it).', false, { enum: ['none', 'login'] }),
      query('login_hint', 'Filled into the form.'),
      query('max_age', 'Seconds since the password was typed beyond which the form shows again.'),
      query('response_mode', '`query` (a redirect, the default) or `web_message` (a page that posts the answer to the app’s window).', false, {
        enum: ['query', 'web_message'],
      }),
    ],
    responses: {
      200: htmlPage('The login page, or the `web_message` page carrying the answer.'),
      302: { description: 'Back to `redirect_uri` with `code` (or `error`), `state` and `iss`.', headers: REDIRECT },
      400: htmlPage('An error page, never a redirect: the `client_id` or the `redirect_uri` is not acceptable, or the client may not use this grant.'),
    },
  });
}

function token(): Operation {
  const tokenError = (description: string, headers?: Record<string, unknown>) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: schemaRef('OAuthError') } },
  });
  return operation({
    id: 'requestToken',
    tag: 'openid',
    summary: 'Token endpoint',
    description:
      'RFC 6749: `authorization_code` (with PKCE), `refresh_token` (the rotation and reuse detection of /auth/refresh) and, for a confidential ' +
      'client of the clients list, `client_credentials`. A confidential client authenticates with HTTP Basic or `client_secret` in the body. ' +
      'Every answer has `Cache-Control: no-store`. With `--provider-paths auth0`, also at /oauth/token.',
    security: PUBLIC,
    body: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': { schema: schemaRef('OAuthTokenRequest') },
        'application/json': { schema: schemaRef('OAuthTokenRequest') },
      },
    },
    responses: {
      200: jsonResponse('The tokens.', schemaRef('OAuthTokenResponse'), { 'Cache-Control': header('`no-store`') }),
      400: {
        description:
          'RFC 6749 §5.2: `invalid_request`, `invalid_grant`, `unauthorized_client` or `unsupported_grant_type` (a body that cannot be read at all: `{ error, message }`).',
        content: { 'application/json': { schema: { anyOf: [schemaRef('OAuthError'), schemaRef('Error')] } } },
      },
      401: tokenError('`invalid_client`: a confidential client’s secret is missing or wrong, or the `client_id` is malformed.', {
        'WWW-Authenticate': header('`Basic realm="fake-jwt-api"`'),
      }),
      429: tokenError('`too_many_requests`: too many wrong secrets for this client from this address.', {
        'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } },
      }),
    },
  });
}

function userinfo(method: 'get' | 'post'): Operation {
  return operation({
    id: method === 'get' ? 'getUserinfo' : 'postUserinfo',
    tag: 'openid',
    summary: 'Userinfo (OIDC Core §5.3)',
    description: 'The account of the access token: `sub`, `email`, `email_verified` and its profile. With `--provider-paths auth0`, also at /userinfo.',
    security: BEARER,
    responses: {
      200: jsonResponse('The claims.', schemaRef('Userinfo'), { 'Cache-Control': header('`no-store`') }),
      401: shared('Unauthorized'),
      403: refusal('`forbidden`: a service token, or a `--trust` provider’s token that names no account of this server.'),
    },
  });
}

const END_SESSION_FIELDS = {
  id_token_hint: text('An ID token of this server (an expired one is fine): its session ends without asking.'),
  post_logout_redirect_uri: text('Where to go afterwards: a loopback URL, a `--redirect-uri`, or one of the client’s.'),
  state: text('Sent back with the redirect.'),
  client_id: text('Must be the hint’s audience when both come.'),
};

function endSession(method: 'get' | 'post'): Operation {
  const fields = Object.entries(END_SESSION_FIELDS);
  return operation({
    id: method === 'get' ? 'endSession' : 'endSessionPost',
    tag: 'openid',
    summary: 'End session (RP-Initiated Logout 1.0)',
    description:
      'With a valid `id_token_hint`, ends that session (its tokens are refused at once) and the browser’s sign-in at the provider; without one, a page ' +
      'asks the person to confirm. With `--provider-paths auth0`, also at /v2/logout (`returnTo`).',
    security: PUBLIC,
    ...(method === 'get'
      ? { parameters: fields.map(([name, schema]) => query(name, String(schema.description))) }
      : { body: { required: false, content: { 'application/x-www-form-urlencoded': { schema: object(END_SESSION_FIELDS, []) } } } }),
    responses: {
      200: htmlPage('“You are signed out”, or the page asking to confirm.'),
      302: { description: 'To `post_logout_redirect_uri`, with `state`.', headers: REDIRECT },
      400: htmlPage('An error page: a `post_logout_redirect_uri` not allowed, or a `client_id` that is not the hint’s audience.'),
    },
  });
}

export function providerPaths(): Paths {
  return {
    '/auth/authorize': { get: authorize() },
    '/auth/token': { post: token() },
    '/auth/userinfo': { get: userinfo('get'), post: userinfo('post') },
    '/auth/end-session': { get: endSession('get'), post: endSession('post') },
  };
}

export function providerSchemas(): Record<string, JsonSchema> {
  const grantTypes = ['authorization_code', 'refresh_token', 'client_credentials'];
  return {
    OAuthTokenRequest: object(
      {
        grant_type: { enum: grantTypes },
        code: text('authorization_code: the code (60 s, single use).'),
        redirect_uri: text('authorization_code: exactly the authorization request’s.'),
        code_verifier: text('authorization_code: the PKCE verifier (43 to 128 characters).'),
        refresh_token: text('refresh_token: the refresh token.'),
        client_id: text('The client (or the user name of HTTP Basic).'),
        client_secret: text('A confidential client’s secret (client_secret_post).'),
      },
      ['grant_type'],
    ),
    OAuthTokenResponse: object(
      {
        access_token: { type: 'string' },
        token_type: { const: 'Bearer' },
        expires_in: { type: 'integer' },
        id_token: text('When `openid` was granted.'),
        scope: { type: 'string' },
        refresh_token: text('With `offline_access` (and a client allowed to refresh); never for client_credentials.'),
      },
      ['access_token', 'token_type', 'expires_in'],
    ),
    OAuthError: object({ error: { type: 'string' }, error_description: { type: 'string' } }, ['error', 'error_description'], {
      description: 'RFC 6749 §5.2, as OAuth client libraries read it.',
    }),
    Userinfo: object({ sub: { type: 'string' }, email: { type: 'string' }, email_verified: { type: 'boolean' } }, ['sub', 'email_verified'], {
      description: 'The account’s claims: `sub`, `email` (when it has one), `email_verified`, and its profile fields (never the password).',
      additionalProperties: true,
    }),
  };
}
