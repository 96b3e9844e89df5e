/**
 * One's own account (/auth/me), the account flows (README "Password reset and email verification") and account
 * administration (/auth/users), as src/auth/routes.ts, password-reset-routes.ts, verify-email-routes.ts and
 * admin-routes.ts answer them.
 */
import type { Paths } from './components';
import {
  BEARER,
  htmlPage,
  jsonResponse,
  noContent,
  OPTIONAL_BEARER,
  operation,
  OWN_SESSION_ONLY,
  pathParameter,
  PUBLIC,
  refusal,
  requestBody,
  schemaRef,
  shared,
} from './operation-parts';

const NOT_AN_ACCOUNT = '`forbidden`: a service token (the client_credentials grant), which has no account';
const linkToken = (what: string) => ({
  name: 'token',
  in: 'query',
  required: false,
  description: `The token of the ${what} link.`,
  schema: { type: 'string' },
});

function ownAccount(): Paths {
  const getMe = operation({
    id: 'getMe',
    tag: 'account',
    summary: 'The caller’s account',
    description:
      'The caller’s account without its password. For a `--trust` provider’s token: the local account its email names, else `{ id, email, role, roles, issuer }`.',
    security: BEARER,
    responses: { 200: jsonResponse('The account.', schemaRef('PublicUser')), 401: shared('Unauthorized'), 403: refusal(`${NOT_AN_ACCOUNT}.`) },
  });
  const updateMe = operation({
    id: 'updateMe',
    tag: 'account',
    summary: 'Change one’s profile',
    description:
      'Changes profile fields, the email and the username (never `id`, `role` or the password). A new email or username needs `currentPassword` ' +
      '(a token alone does not change a login name; a wrong one counts as a failed login). A new email is unverified and gets its own verification mail.',
    security: BEARER,
    body: requestBody(schemaRef('ProfileUpdate')),
    responses: {
      200: jsonResponse('The account as changed.', schemaRef('PublicUser')),
      400: shared('BadRequest'),
      401: shared('Unauthorized'),
      403: refusal(`\`forbidden\`: \`currentPassword\` is wrong (nothing changed); or ${OWN_SESSION_ONLY}.`),
      409: refusal('`conflict`: the email or the username is another account’s.'),
      429: shared('TooManyRequests'),
    },
  });
  const deleteMe = operation({
    id: 'deleteMe',
    tag: 'account',
    summary: 'Delete one’s own account',
    description:
      'Deletes the caller’s account, given its `password` (a token alone deletes nothing), and ends its sessions. The records it owns stay: their ' +
      'owner field names an id no new account will get. A wrong password counts as a failed login.',
    security: BEARER,
    body: requestBody(schemaRef('PasswordConfirmation')),
    responses: {
      200: jsonResponse('Deleted.', schemaRef('AccountDeleted')),
      400: shared('BadRequest'),
      401: shared('Unauthorized'),
      403: refusal(`\`forbidden\`: the password is wrong (nothing was deleted); or ${OWN_SESSION_ONLY}.`),
      429: shared('TooManyRequests'),
    },
  });
  return { '/auth/me': { get: getMe, patch: updateMe, delete: deleteMe } };
}

const MAIL_LIMIT = 'Requests are counted per email and address with the login limit’s numbers (10 in a row wait: 429); one mail per account a minute.';

function passwordReset(): Paths {
  const forgotPassword = operation({
    id: 'forgotPassword',
    tag: 'account',
    summary: 'Mail a password-reset link',
    description: `A reset link (single use, 30 minutes) goes to the outbox if an account has this email. The answer is the same for any email. ${MAIL_LIMIT}`,
    security: PUBLIC,
    body: requestBody(schemaRef('EmailRequest')),
    responses: { 202: jsonResponse('Accepted.', schemaRef('Accepted')), 400: shared('BadRequest'), 429: shared('TooManyRequests') },
  });
  const resetPasswordPage = operation({
    id: 'resetPasswordPage',
    tag: 'account',
    summary: 'The reset link’s page',
    description: 'A form for the new password (without `--reset-url`, the mailed link opens it); it posts to POST /auth/reset-password.',
    security: PUBLIC,
    parameters: [linkToken('reset')],
    responses: { 200: htmlPage('The form.') },
  });
  const resetPassword = operation({
    id: 'resetPassword',
    tag: 'account',
    summary: 'Set a new password with a reset link’s token',
    description: 'Spends the link’s `token` and sets `password`; every session of the account ends. A form post (the reset page’s) is answered with the page.',
    security: PUBLIC,
    body: requestBody(schemaRef('ResetPasswordRequest')),
    responses: {
      200: htmlPage('A form post: the page saying the password changed.'),
      204: noContent('Changed (a JSON request).'),
      400: {
        description:
          '`invalid_grant`: a used, expired or unknown token, or one mailed before the email or the password changed; `invalid_request`: a missing field or a short password.',
        content: { 'application/json': { schema: schemaRef('Error') }, 'text/html': { schema: { type: 'string' } } },
      },
    },
  });
  return { '/auth/forgot-password': { post: forgotPassword }, '/auth/reset-password': { get: resetPasswordPage, post: resetPassword } };
}

function emailVerification(): Paths {
  const deadLink = '`invalid_grant`: a used, expired (24 hours) or unknown token, or one of an email changed since.';
  const verifyEmailLink = operation({
    id: 'verifyEmailLink',
    tag: 'account',
    summary: 'The verification link',
    description: 'Verifies the email the link was mailed to, and says so on a page.',
    security: PUBLIC,
    parameters: [linkToken('verification')],
    responses: { 200: htmlPage('Verified.'), 400: htmlPage(`Not verified: ${deadLink}`) },
  });
  const verifyEmail = operation({
    id: 'verifyEmail',
    tag: 'account',
    summary: 'Verify an email with the link’s token',
    description: 'For an app that opens the link itself: spends the `token` and marks the email verified.',
    security: PUBLIC,
    body: requestBody(schemaRef('VerifyEmailRequest')),
    responses: {
      200: jsonResponse('Verified.', schemaRef('EmailVerified')),
      400: refusal(`${deadLink} Or \`invalid_request\`: a body that is not a JSON object.`),
    },
  });
  const resendVerification = operation({
    id: 'resendVerification',
    tag: 'account',
    summary: 'Mail another verification link',
    description: `For the caller’s own account with a token, or for \`{ email }\` without one (answered alike for any email). ${MAIL_LIMIT}`,
    security: OPTIONAL_BEARER,
    body: requestBody(schemaRef('EmailRequest'), { required: false }),
    responses: { 202: jsonResponse('Accepted.', schemaRef('Accepted')), 400: shared('BadRequest'), 429: shared('TooManyRequests') },
  });
  return { '/auth/verify-email': { get: verifyEmailLink, post: verifyEmail }, '/auth/verify-email/resend': { post: resendVerification } };
}

function administration(): Paths {
  const forAdmins = { 401: shared('Unauthorized'), 403: shared('Forbidden') };
  const noAccount = refusal('`not_found`: no account has this id.');
  const id = pathParameter('id', 'The account’s id.');
  const adminListAccounts = operation({
    id: 'adminListAccounts',
    tag: 'admin',
    summary: 'List every account',
    description: 'Every account without its password, for the `admin` role.',
    security: BEARER,
    responses: { 200: jsonResponse('The accounts.', { type: 'array', items: schemaRef('PublicUser') }), ...forAdmins },
  });
  const adminUpdateAccount = operation({
    id: 'adminUpdateAccount',
    tag: 'admin',
    summary: 'Change an account',
    description:
      'Changes an account’s `role`, email, username or profile fields, for the `admin` role. A role change applies to the next request; a new email is unverified.',
    security: BEARER,
    parameters: [id],
    body: requestBody(schemaRef('AccountUpdate')),
    responses: {
      200: jsonResponse('The account as changed.', schemaRef('PublicUser')),
      400: shared('BadRequest'),
      ...forAdmins,
      404: noAccount,
      409: refusal('`conflict`: the email or the username is another account’s.'),
    },
  });
  const adminDeleteAccount = operation({
    id: 'adminDeleteAccount',
    tag: 'admin',
    summary: 'Delete an account',
    description: 'Deletes an account and ends its sessions, for the `admin` role. The records it owns stay.',
    security: BEARER,
    parameters: [id],
    responses: { 204: noContent('Deleted.'), ...forAdmins, 404: noAccount },
  });
  return { '/auth/users': { get: adminListAccounts }, '/auth/users/{id}': { patch: adminUpdateAccount, delete: adminDeleteAccount } };
}

export function accountPaths(): Paths {
  return { ...ownAccount(), ...passwordReset(), ...emailVerification(), ...administration() };
}
