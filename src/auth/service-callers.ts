import { forbidden, type ApiError } from '../errors';
import type { SessionStore } from '../sessions/session-store';
import { invalidToken } from './challenge';
import type { AccessClaims } from './tokens';

/**
 * The clients list as the authenticate step needs it: the OpenID provider's registry (provider/client-registry.ts),
 * handed in by the app, since auth/ never reads provider/.
 */
export interface ServiceClients {
  /** The role of the client's service tokens; undefined when no client of that id may use client_credentials now. */
  serviceRoleOf(clientId: string): string | undefined;
}

/** What of a service token's claims the caller keeps, whether just verified or read back from req.auth. */
type ServiceTokenBase = Pick<AccessClaims, 'sub' | 'jti' | 'iat' | 'exp' | 'iss' | 'aud'>;

/**
 * The caller of a service token (the client_credentials grant), checked on every request as a session's token is:
 * not revoked, and its client still in the clients list with the grant (a client removed from the config file, then
 * a restart, kills its tokens). The role is the client's as the list says it now. No account, no session: `email`
 * and `sid` are empty, and `service` says whose token it is.
 */
export function serviceCaller(
  sessions: Pick<SessionStore, 'isRevoked'>,
  clients: ServiceClients | undefined,
  clientId: string,
  claims: ServiceTokenBase,
): AccessClaims {
  if (sessions.isRevoked(claims.jti)) throw invalidToken('the token has been revoked');
  const role = clients?.serviceRoleOf(clientId);
  if (role === undefined) throw invalidToken(`the client "${clientId}" of this service token is not in the clients list with the client_credentials grant`);
  const { sub, jti, iat, exp, iss, aud } = claims;
  return { sub, email: '', role, sid: '', jti, iat, exp, iss, ...(aud === undefined ? {} : { aud }), service: { clientId } };
}

/** The 403 of an endpoint about an account or its session, for a service token: it has neither. */
export function notAnAccount(claims: AccessClaims, what: string): ApiError {
  return forbidden(
    `${what} is for accounts; this is a service token of the client "${claims.service?.clientId}" (the client_credentials grant), which has no account and no session.`,
  );
}
