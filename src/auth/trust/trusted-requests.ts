import type { Request } from 'express';
import type { AccountStore } from '../../accounts/account-store';
import type { AccessClaims } from '../tokens';
import { trustedCaller, type CallerMapping } from './trusted-caller';
import type { TrustedToken, TrustedTokens } from './trusted-tokens';

/** Tokens of trusted identity providers (--trust), and how their callers are read. */
export interface TrustedSources {
  tokens: TrustedTokens;
  mapping: CallerMapping;
}

/** The authenticate step's part for trusted providers' tokens (authenticate.ts has the rest). */
export interface TrustedRequests {
  /** Whether the token claims a trusted issuer: then it is checked here, never with our keys. */
  claimsTrustedIssuer(token: string): boolean;
  /** The caller of a request bearing such a token; an invalid_token when it does not hold. */
  authenticate(req: Request, token: string): Promise<AccessClaims>;
  /** The caller read again after a wait (an account created, deleted or given a role meanwhile); undefined for our tokens. */
  recheck(req: Request): AccessClaims | undefined;
}

export function makeTrustedRequests(accounts: AccountStore, { tokens, mapping }: TrustedSources): TrustedRequests {
  // The verified token of each request a trusted provider's token authenticated, to read its caller again.
  const tokenOf = new WeakMap<Request, TrustedToken>();
  return {
    claimsTrustedIssuer: (token) => tokens.claimedIssuer(token) !== undefined,
    async authenticate(req, token) {
      const verified = await tokens.verify(token);
      const caller = trustedCaller(accounts, mapping, verified);
      tokenOf.set(req, verified);
      return caller;
    },
    recheck(req) {
      const verified = tokenOf.get(req);
      return verified && trustedCaller(accounts, mapping, verified);
    },
  };
}
