import { DomainError } from '../errors';

/** An account with this email (compared case-insensitively) exists already. */
export function emailTaken(email: string): DomainError {
  return new DomainError('ERR_EMAIL_TAKEN', `An account with the email ${email} already exists; log in instead, or register with another email.`);
}

/** An account with this username (compared as emails are) exists already. */
export function usernameTaken(username: string): DomainError {
  return new DomainError('ERR_USERNAME_TAKEN', `The username ${username} is taken; log in instead, or register with another username.`);
}

/** New accounts are refused, for `reason` (the message the client gets). */
export function registrationClosed(reason: string): DomainError {
  return new DomainError('ERR_REGISTRATION_CLOSED', reason);
}

/**
 * The accounts file, changed on disk while the server runs, is not valid (`problem` names the file and the
 * entry): a hand edit in progress, kept as it is rather than guessed at.
 */
export function accountsFileInvalid(problem: string): DomainError {
  return new DomainError('ERR_ACCOUNTS_FILE_INVALID', `${problem}. Fix the file; the server picks it up without a restart.`);
}
