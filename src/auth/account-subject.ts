import { isEmailVerified, roleOf, type Account } from '../accounts/accounts-file';
import { customClaims } from './custom-claims';
import type { TokenSubject } from './tokens';

/**
 * An account as its access tokens name it, the same from every door (/auth/login, the provider's token endpoint,
 * `fake-jwt-api token`): its id, email and username, role, whether the email is verified, and the profile fields
 * --claims names, as of now (README "Tokens", "Custom claims").
 */
export function accountSubject(account: Account, claimNames: readonly string[] = []): TokenSubject {
  return {
    id: account.id,
    email: account.email,
    username: account.username,
    role: roleOf(account),
    emailVerified: isEmailVerified(account),
    claims: customClaims(account, claimNames),
  };
}
