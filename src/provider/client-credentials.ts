import type { Request, Response } from 'express';
import type { TokenService } from '../auth/tokens';
import type { LoginThrottle } from '../throttle/login-throttle';
import { authenticateClient } from './client-authentication';
import type { ClientRegistry } from './client-registry';
import { tokenError } from './token-errors';
import type { Body } from './token-parameters';

export interface ClientCredentialsParts {
  clients: ClientRegistry;
  /** The access tokens of a client: its own accessTtl, else the server's. */
  tokensFor: (clientId: string | undefined) => TokenService;
  /** Wrong secrets counted (README "Rate limits"). */
  throttle?: LoginThrottle;
}

/**
 * RFC 6749 §4.4: a confidential client of the clients list, with the client_credentials grant, gets a service token
 * for itself (auth/tokens.ts issueServiceToken): no account, no session, the client's `role`. The answer has no
 * refresh token (§4.4.3) and no ID token (nobody signed in). A `scope` is ignored: the token carries a role, not scopes.
 */
export function grantClientCredentials({ clients, tokensFor, throttle }: ClientCredentialsParts, req: Request, res: Response, body: Body): void {
  const { clientId, client } = authenticateClient(clients, req, body, throttle && { throttle, res });
  // §5.2: a client that did not authenticate (none named, a public one) is invalid_client, a 401 with a Basic challenge.
  if (clientId === undefined)
    throw tokenError(
      'invalid_client',
      'The client_credentials grant needs a confidential client: send its id and secret (client_secret_basic or client_secret_post).',
    );
  if (client?.secret === undefined)
    throw tokenError(
      'invalid_client',
      `"${clientId}" is not a confidential client of the clients list: the client_credentials grant needs a client with a secret.`,
    );
  const role = clients.serviceRoleOf(client.id);
  if (role === undefined)
    throw tokenError('unauthorized_client', `The client "${client.id}" may not use the client_credentials grant (its grants in the clients list).`);
  const issued = tokensFor(client.id).issueServiceToken({ clientId: client.id, role }, req);
  res.json({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn });
}
