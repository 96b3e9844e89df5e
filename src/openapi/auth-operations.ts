/**
 * The auth API in the OpenAPI document (README "HTTP API"): login, registration and sessions here; one's own account,
 * the account flows and administration in account-operations.ts; the JWKS, discovery and the OpenID provider in
 * provider-operations.ts; the outbox and /__reset in testing-operations.ts. Each operation says what the routes in
 * src/auth/ really answer, and nothing more: a contract test holds the server to it.
 */
import type { JsonSchema, Operation, Paths } from './components';
import { accountPaths } from './account-operations';
import { authSchemas } from './auth-schemas';
import {
  BEARER,
  CHALLENGE,
  jsonResponse,
  noContent,
  OPTIONAL_BEARER,
  operation,
  OWN_SESSION_ONLY,
  pathParameter,
  PUBLIC,
  REFRESH_COOKIE,
  refusal,
  requestBody,
  schemaRef,
  shared,
  type AuthApiFeatures,
} from './operation-parts';
import { providerPaths, providerSchemas, wellKnownPaths, wellKnownSchemas } from './provider-operations';
import { testingPaths, testingSchemas } from './testing-operations';

export type { AuthApiFeatures } from './operation-parts';

const ORIGIN_GATE = '`forbidden`: a request from a page whose origin may not get a token (only this machine’s pages and `--cors-origin`’s may)';

/** In cookie mode a login, registration or refresh needs JSON (a cross-site form could otherwise use the cookie). */
const tokenBody = (features: AuthApiFeatures, name: string, required = true) => requestBody(schemaRef(name), { form: !features.cookieMode, required });

function register(features: AuthApiFeatures): Operation {
  const pending = features.requireVerifiedEmail;
  const created = pending
    ? jsonResponse(
        'The account, without a session: its email must be verified first (--require-verified-email); the link is in the outbox.',
        schemaRef('RegistrationPending'),
      )
    : jsonResponse(
        'The account and its first session. An account with an email is `emailVerified: false` and is mailed a verification link (the outbox).',
        schemaRef('AuthResult'),
        features.cookieMode ? REFRESH_COOKIE : undefined,
      );
  return operation({
    id: 'register',
    tag: 'auth',
    summary: 'Register an account',
    description:
      `Creates an account from ${features.loginField === 'email' ? '`email` (and optionally `username`)' : '`username` (and optionally `email`)'}, ` +
      `\`password\` (${features.passwordMinLength} to 1024 characters) and any profile fields. Its role is \`user\` (or \`--default-role\`): a \`role\` in the ` +
      'body is ignored. The same at POST /register and /signup (json-server-auth’s paths).',
    security: PUBLIC,
    body: tokenBody(features, 'RegisterRequest'),
    responses: {
      201: created,
      400: shared('BadRequest'),
      403: refusal(`${ORIGIN_GATE}.`),
      409: refusal('`conflict`: the email or the username is taken (however written), or db.json’s own `users` collection keeps registration closed.'),
    },
  });
}

function login(features: AuthApiFeatures): Operation {
  const forbidden = [
    ...(features.requireVerifiedEmail ? ['`email_not_verified`: the account’s email is not verified yet (--require-verified-email)'] : []),
    ORIGIN_GATE,
  ];
  return operation({
    id: 'login',
    tag: 'auth',
    summary: 'Log in',
    description:
      'Checks `email` or `username`, and `password`, and starts a session. The same at POST /login and /signin (json-server-auth’s paths). ' +
      'Failed logins are counted per account and address: after 10 in a row that pair waits (README "Rate limits").',
    security: PUBLIC,
    body: tokenBody(features, 'LoginRequest'),
    responses: {
      200: jsonResponse('The session.', schemaRef('AuthResult'), features.cookieMode ? REFRESH_COOKIE : undefined),
      400: shared('BadRequest'),
      401: refusal('`invalid_credentials`: the name or the password is wrong: the same answer, in about the same time, for an unknown name.', CHALLENGE),
      403: refusal(`${forbidden.join('; or ')}.`),
      429: shared('TooManyRequests'),
    },
  });
}

function refresh(features: AuthApiFeatures): Operation {
  const forbidden = [
    ...(features.requireVerifiedEmail ? ['`email_not_verified`: the account’s email is no longer verified (a new email)'] : []),
    ...(features.cookieMode ? [ORIGIN_GATE] : []),
  ];
  return operation({
    id: 'refreshSession',
    tag: 'auth',
    summary: 'Trade a refresh token for a new pair',
    description: features.cookieMode
      ? 'Rotates the session’s refresh token, read from the `fja_refresh` cookie (or `refreshToken` in the body): the old one is spent.'
      : 'Rotates the session’s refresh token (`refreshToken`, or `refresh_token`): the old one is spent. Presented again after `--refresh-reuse-interval` ' +
        '(10 s), it ends the whole session (theft); within it, it gets the same new refresh token (two tabs at once).',
    security: PUBLIC,
    body: tokenBody(features, 'RefreshRequest', !features.cookieMode),
    responses: {
      200: jsonResponse('The new pair.', schemaRef('AuthResult'), features.cookieMode ? REFRESH_COOKIE : undefined),
      400: shared('BadRequest'),
      401: refusal(
        `\`invalid_grant\`: an unknown, expired, spent or revoked refresh token, one of an ended session, or one the OpenID provider gave a client` +
          `${features.cookieMode ? '; or no refresh cookie came' : ''}. Log in again.`,
        CHALLENGE,
      ),
      ...(forbidden.length > 0 ? { 403: refusal(`${forbidden.join('; or ')}.`) } : {}),
    },
  });
}

function logout(features: AuthApiFeatures, everywhere: boolean): Operation {
  const ends = everywhere ? 'every session of the caller, on every device' : 'this session: its access and refresh tokens are refused at once';
  return operation({
    id: everywhere ? 'logoutAll' : 'logout',
    tag: 'auth',
    summary: everywhere ? 'Log out everywhere' : 'Log out',
    description:
      `Ends ${ends}. The session is named by the refresh token when one is sent (body${features.cookieMode ? ' or cookie' : ''}), so this works ` +
      'once the access token has expired, else by the Bearer token; when both name different sessions, both end.',
    security: OPTIONAL_BEARER,
    body: tokenBody(features, 'LogoutRequest', false),
    responses: {
      204: noContent(features.cookieMode ? 'Ended; the refresh cookie is cleared.' : 'Ended.'),
      400: shared('BadRequest'),
      401: refusal(
        '`invalid_token`: neither token came, or the access token is bad and no refresh token came; `invalid_grant`: the refresh token is unknown ' +
          'or names no live session.',
        CHALLENGE,
      ),
      403: refusal(`${OWN_SESSION_ONLY}.`),
    },
  });
}

const changePassword = (): Operation =>
  operation({
    id: 'changePassword',
    tag: 'auth',
    summary: 'Change the password',
    description:
      'Checks `currentPassword` and sets `newPassword`; the caller’s other sessions end, and reset links mailed before die. A wrong current ' +
      'password counts as a failed login.',
    security: BEARER,
    body: requestBody(schemaRef('PasswordChangeRequest')),
    responses: {
      204: noContent('Changed.'),
      400: shared('BadRequest'),
      401: shared('Unauthorized'),
      403: refusal(`\`forbidden\`: \`currentPassword\` is wrong (not a 401: the token is good); or ${OWN_SESSION_ONLY}.`),
      429: shared('TooManyRequests'),
    },
  });

function sessionList(): Paths {
  const listMySessions = operation({
    id: 'listMySessions',
    tag: 'auth',
    summary: 'List one’s own sessions',
    description: 'The caller’s live sessions, most recently used first. Never a token.',
    security: BEARER,
    responses: {
      200: jsonResponse('The sessions.', { type: 'array', items: schemaRef('AuthSession') }),
      401: shared('Unauthorized'),
      403: refusal(`${OWN_SESSION_ONLY}.`),
    },
  });
  const endMySession = operation({
    id: 'endMySession',
    tag: 'auth',
    summary: 'End one of one’s sessions',
    description: 'Signs out that device: the session’s access tokens and refresh token are refused at once. Naming the current session is a logout.',
    security: BEARER,
    parameters: [pathParameter('id', 'The session’s id, as GET /auth/sessions lists it.')],
    responses: {
      204: noContent('Ended.'),
      401: shared('Unauthorized'),
      403: refusal(`${OWN_SESSION_ONLY}.`),
      404: refusal('`not_found`: no live session of the caller has this id (another user’s, an ended one and an unknown one alike).'),
    },
  });
  return { '/auth/sessions': { get: listMySessions }, '/auth/sessions/{id}': { delete: endMySession } };
}

function tokenChecks(): Paths {
  const revokeToken = operation({
    id: 'revokeToken',
    tag: 'auth',
    summary: 'Revoke a token (RFC 7009)',
    description:
      'Revokes an access token, or a refresh token and its session. Holding the token is enough; the answer is the same for a token the server does ' +
      'not know.',
    security: PUBLIC,
    body: requestBody(schemaRef('TokenSubmission')),
    responses: {
      200: jsonResponse('Revoked, or nothing to revoke.', { type: 'object', maxProperties: 0 }),
      400: shared('BadRequest'),
    },
  });
  const introspectToken = operation({
    id: 'introspectToken',
    tag: 'admin',
    summary: 'Introspect a token (RFC 7662)',
    description: 'What a token of this server is and whether it is active, for the `admin` role.',
    security: BEARER,
    body: requestBody(schemaRef('TokenSubmission')),
    responses: {
      200: jsonResponse('The token’s state.', schemaRef('Introspection')),
      400: shared('BadRequest'),
      401: shared('Unauthorized'),
      403: shared('Forbidden'),
    },
  });
  return { '/auth/revoke': { post: revokeToken }, '/auth/introspect': { post: introspectToken } };
}

function sessionPaths(features: AuthApiFeatures): Paths {
  return {
    '/auth/register': { post: register(features) },
    '/auth/login': { post: login(features) },
    '/auth/refresh': { post: refresh(features) },
    '/auth/logout': { post: logout(features, false) },
    '/auth/logout-all': { post: logout(features, true) },
    '/auth/password': { post: changePassword() },
    ...sessionList(),
    ...tokenChecks(),
  };
}

/**
 * The auth API's paths (every endpoint of /auth, the well-known documents, the OpenID provider's endpoints when it
 * is on, the outbox and /__reset) and the component schemas they refer to by name. The error responses and the
 * `Error` schema are components.ts's.
 */
export function authPaths(features: AuthApiFeatures): { paths: Paths; schemas: Record<string, JsonSchema> } {
  const paths: Paths = {
    ...sessionPaths(features),
    ...accountPaths(),
    ...wellKnownPaths(features),
    ...(features.provider ? providerPaths() : {}),
    ...testingPaths(features),
  };
  const schemas = { ...authSchemas(features), ...wellKnownSchemas(features), ...(features.provider ? providerSchemas() : {}), ...testingSchemas() };
  return { paths, schemas };
}
