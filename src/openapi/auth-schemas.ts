/**
 * The component schemas of the auth API (README "HTTP API", "Sessions", "Password reset and email verification"):
 * what /auth takes and answers. Examples use obviously made-up values, never a real password or a hash.
 */
import type { JsonSchema } from './components';
import { object, schemaRef, text, type AuthApiFeatures } from './operation-parts';

/** accounts/fields.ts: scrypt is fed the whole password, so it has an upper bound. */
const MAX_PASSWORD_LENGTH = 1024;
const SAMPLE_PASSWORD = 'correct horse battery staple';

const password = (description: string, minLength?: number): JsonSchema =>
  text(description, { ...(minLength === undefined ? {} : { minLength }), maxLength: MAX_PASSWORD_LENGTH });

const EMAIL = text('An email address, trimmed; compared case-insensitively (and Unicode look-alikes as one), stored as typed.');
const USERNAME = text(
  '1 to 64 letters (of one script, with its marks) and digits, `.`, `_` and `-`, starting with a letter or digit; no spaces, no `@`, no invisible characters, sent in its NFKC form (README "Login by username").',
);

const PUBLIC_USER = object(
  {
    // users.json ids are numbers (json-server's max + 1) or strings, as the file has them.
    id: { type: ['number', 'string'] },
    email: text('Absent for an account that has only a username.'),
    username: text('The login name, when the account has one.'),
    role: text('`user` (or `--default-role`) for a self-registered account; absent for an account written by hand without one, which counts as `user`.'),
    emailVerified: {
      type: 'boolean',
      description: '`false` until the mailed link is followed, then `true`; absent for an account written by hand without it (verified).',
    },
  },
  ['id'],
  {
    description: 'An account without its password: every other field it has, its profile fields included.',
    additionalProperties: true,
    example: { id: 2, email: 'alice@example.com', role: 'user', emailVerified: true, name: 'Alice' },
  },
);

function authResult({ cookieMode, alg }: AuthApiFeatures): JsonSchema {
  const refreshToken = text('Opaque (256 random bits): trade it at POST /auth/refresh for a new pair. It works once, for `--refresh-ttl` (7 days).');
  return object(
    {
      accessToken: text(`The access token, a JWT signed ${alg} (typ \`at+jwt\`): send it as \`Authorization: Bearer <token>\`.`),
      ...(cookieMode ? {} : { refreshToken }),
      tokenType: { const: 'Bearer' },
      expiresIn: { type: 'integer', minimum: 1, description: "The access token's lifetime in seconds." },
      user: schemaRef('PublicUser'),
    },
    ['accessToken', ...(cookieMode ? [] : ['refreshToken']), 'tokenType', 'expiresIn', 'user'],
    {
      description: cookieMode
        ? 'A new session. The refresh token is not in the body (--cookie): it is in the HttpOnly cookie `fja_refresh`, sent only to /auth.'
        : 'A new session: its access token and its refresh token.',
      example: {
        accessToken: 'eyJhbGciOi…',
        ...(cookieMode ? {} : { refreshToken: 'q0Zk…' }),
        tokenType: 'Bearer',
        expiresIn: 3600,
        user: PUBLIC_USER.example,
      },
    },
  );
}

function loginRequest({ allowClientTtl }: AuthApiFeatures): JsonSchema {
  const expiresIn = {
    type: ['string', 'integer'],
    description: 'A shorter access-token lifetime for this session (--allow-client-ttl): `"30s"`, `"2m"` or a whole number of seconds, at most `--access-ttl`.',
  };
  return object(
    {
      email: text('The email, or send `username` instead (not both).'),
      username: text('The username, or send `email` instead (not both).'),
      password: password('The password.'),
      ...(allowClientTtl ? { expiresIn } : {}),
    },
    ['password'],
    {
      description: allowClientTtl
        ? 'An email or a username, and the password.'
        : 'An email or a username, and the password. An `expiresIn` is a 400 (it needs --allow-client-ttl).',
      example: { email: 'alice@example.com', password: SAMPLE_PASSWORD },
    },
  );
}

function registerRequest({ loginField, passwordMinLength, requireVerifiedEmail }: AuthApiFeatures): JsonSchema {
  const names = loginField === 'username' ? ['username', ...(requireVerifiedEmail ? ['email'] : [])] : ['email'];
  return object({ email: EMAIL, username: USERNAME, password: password('The new password.', passwordMinLength) }, [...names, 'password'], {
    description:
      'The login name(s), the password and any profile fields (at most 32 fields and 8 KB of JSON). Fields a client may not set on its own account ' +
      '(`id`, `role`, `emailVerified`, password-like fields, JWT claim names, …) are dropped silently.',
    additionalProperties: true,
    example: { [loginField]: loginField === 'email' ? 'alice@example.com' : 'alice', password: SAMPLE_PASSWORD, name: 'Alice' },
  });
}

const refreshTokenFields = {
  refreshToken: text('The refresh token of the session.'),
  refresh_token: text('The same, by its OAuth name (either one).'),
};

const profileChange = (who: string, extra: Record<string, JsonSchema>) =>
  object({ ...extra, email: text('A new email: unverified until its link is followed.'), username: USERNAME }, [], {
    description: `Fields to change ${who}; the others stay. Profile fields are merged in (at most 32 fields and 8 KB of JSON after the merge).`,
    additionalProperties: true,
    example: { name: 'Alice Liddell' },
  });

const token = (description: string) => object({ token: text(description) }, ['token']);

function sessionSchemas(features: AuthApiFeatures): Record<string, JsonSchema> {
  const min = features.passwordMinLength;
  return {
    RefreshRequest: object(refreshTokenFields, features.cookieMode ? [] : ['refreshToken'], {
      description: features.cookieMode
        ? 'Nothing: the cookie carries the refresh token (a `refreshToken` in the body wins over it).'
        : 'The refresh token, spent by this request.',
    }),
    LogoutRequest: object(refreshTokenFields, [], {
      description: 'The refresh token names the session to end (so a logout works once the access token has expired).',
    }),
    PasswordChangeRequest: object(
      { currentPassword: password('The password now.'), newPassword: password('The new password.', min) },
      ['currentPassword', 'newPassword'],
      {
        example: { currentPassword: SAMPLE_PASSWORD, newPassword: 'battery staple horse correct' },
      },
    ),
    AuthSession: object(
      {
        id: text('The `sid` of the session’s tokens.'),
        current: { type: 'boolean', description: 'The session of the token that asked.' },
        createdAt: text('The login.', { format: 'date-time' }),
        lastUsedAt: text('The latest login, refresh or request with one of its access tokens.', { format: 'date-time' }),
        userAgent: { type: ['string', 'null'], description: 'The `User-Agent` of the login, then of the latest refresh; `null` when none came.' },
      },
      ['id', 'current', 'createdAt', 'lastUsedAt', 'userAgent'],
    ),
    TokenSubmission: object(
      { token: text('An access token or a refresh token.'), token_type_hint: text('`access_token` or `refresh_token` (RFC 7009 §2.1); not needed.') },
      ['token'],
    ),
    Introspection: object({ active: { type: 'boolean' } }, ['active'], {
      description:
        'RFC 7662 §2.2: `{ active: false }` for a token that is not good here; for an active access token its claims (`sub`, `role`, `sid`, `exp`, …) with ' +
        '`token_type: "access_token"`, for a refresh token `token_type: "refresh_token"`, `sub`, `sid`, `iat`, `exp`.',
      additionalProperties: true,
    }),
  };
}

function accountSchemas(features: AuthApiFeatures): Record<string, JsonSchema> {
  return {
    ProfileUpdate: profileChange('on one’s own account (never `id`, `role` or the password: those are dropped silently)', {
      currentPassword: password('The account’s password: needed to change the email or the username, checked whenever sent, never stored.'),
    }),
    AccountUpdate: profileChange('on an account, for an admin (a `password` is a 400: passwords change by their owner)', {
      role: text('The new role: a name, like `admin` or `editor`.'),
    }),
    PasswordConfirmation: object({ password: password("The account's password.") }, ['password']),
    AccountDeleted: object(
      {
        deleted: object({ id: { type: ['number', 'string'] }, email: { type: 'string' } }, ['id']),
        ownedRecords: { const: 'kept' },
        message: { type: 'string' },
      },
      ['deleted', 'ownedRecords', 'message'],
    ),
    EmailRequest: object({ email: text('The email of the account.') }, ['email'], { example: { email: 'alice@example.com' } }),
    ResetPasswordRequest: object({ token: text('The token of the reset link.'), password: password('The new password.', features.passwordMinLength) }, [
      'token',
      'password',
    ]),
    VerifyEmailRequest: token('The token of the verification link.'),
    Accepted: object({ message: { type: 'string' } }, ['message'], {
      description: 'The same answer whatever the email, so it tells nobody which accounts exist.',
    }),
    EmailVerified: object({ verified: { const: true }, email: { type: 'string' } }, ['verified', 'email']),
  };
}

/** Every schema the auth API's operations refer to by name (`#/components/schemas/<name>`). */
export function authSchemas(features: AuthApiFeatures): Record<string, JsonSchema> {
  return {
    PublicUser: PUBLIC_USER,
    AuthResult: authResult(features),
    ...(features.requireVerifiedEmail
      ? {
          RegistrationPending: object({ user: schemaRef('PublicUser'), message: { type: 'string' } }, ['user', 'message'], {
            description: 'The account, and what to do: follow the verification link before logging in (--require-verified-email).',
          }),
        }
      : {}),
    LoginRequest: loginRequest(features),
    RegisterRequest: registerRequest(features),
    ...sessionSchemas(features),
    ...accountSchemas(features),
  };
}
