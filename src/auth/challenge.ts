import { ApiError } from '../errors';

/** The realm every `WWW-Authenticate` challenge names (RFC 6750 §3). */
export const REALM = 'fake-jwt-api';

function challenge(error?: string, description?: string): string {
  const parts = [`realm="${REALM}"`];
  if (error) parts.push(`error="${error}"`);
  // RFC 6750 §3: error_description is limited to printable ASCII without " and \.
  // A header of sane length, whatever a description quotes (a trusted provider's answer, say).
  if (description) parts.push(`error_description="${description.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '').slice(0, 500)}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** 401 for a request that sent no credentials: RFC 6750 §3.1 says the challenge then carries no error code. */
export function missingToken(): ApiError {
  return new ApiError(
    401,
    'invalid_token',
    'This request needs an access token: send "Authorization: Bearer <token>" (log in at POST /auth/login to get one).',
    {
      'WWW-Authenticate': challenge(),
    },
  );
}

/** 401 for a token that was sent but cannot be used; `description` says why. */
export function invalidToken(description: string): ApiError {
  return new ApiError(401, 'invalid_token', `The access token was rejected: ${description}.`, {
    'WWW-Authenticate': challenge('invalid_token', description),
  });
}

/** 401 for a failed login: the same body whether the email is unknown or the password wrong. */
export function invalidCredentials(typed: 'email' | 'username' = 'email'): ApiError {
  return new ApiError(401, 'invalid_credentials', `The ${typed} or password is incorrect.`, {
    'WWW-Authenticate': challenge(),
  });
}

/** 403 for a valid token whose role a rule does not allow (RFC 6750 §3.1 insufficient_scope). */
export function insufficientRole(message: string): ApiError {
  return new ApiError(403, 'forbidden', message, {
    'WWW-Authenticate': challenge('insufficient_scope', message),
  });
}

/** 401 for a refresh token that is unknown, expired, spent or revoked. */
export function invalidGrant(description: string): ApiError {
  return new ApiError(401, 'invalid_grant', `The refresh token was rejected: ${description}. Log in again.`, {
    'WWW-Authenticate': challenge(),
  });
}
