import type { Request, Response } from 'express';
import { attemptAt, beginAttempt, settleAttempt, waitMessage } from '../throttle/attempts';
import type { LoginThrottle } from '../throttle/login-throttle';
import { isClientId, secretMatches, type ClientRegistry, type RegisteredClient } from './client-registry';
import { tokenError, TokenEndpointError } from './token-errors';
import { parameter, type Body } from './token-parameters';

/** A client's credentials (RFC 6749 §2.3.1): id and secret, each form-urlencoded, then Basic. */
interface Credentials {
  clientId?: string;
  secret?: string;
}

const formDecoded = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));

/** The credentials of HTTP Basic authentication, if the request has that header. */
function basicCredentials(req: Request): Credentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { clientId: formDecoded(decoded) };
  return { clientId: formDecoded(decoded.slice(0, colon)), secret: formDecoded(decoded.slice(colon + 1)) };
}

/** The client and its secret, from the body (client_secret_post) or from Basic authentication (client_secret_basic). */
function credentialsOf(req: Request, body: Body): Credentials {
  const fromBody = parameter(body, 'client_id');
  const bodySecret = parameter(body, 'client_secret');
  let basic: Credentials | undefined;
  try {
    basic = basicCredentials(req);
  } catch {
    throw tokenError('invalid_client', 'The Authorization header names no client this server can read.');
  }
  // RFC 6749 §2.3: one authentication method per request.
  if (basic !== undefined && bodySecret !== undefined)
    throw tokenError('invalid_request', 'Send the client secret once: in the Authorization header or in the body.');
  if (fromBody !== undefined && basic?.clientId !== undefined && fromBody !== basic.clientId)
    throw tokenError('invalid_request', 'The body and the Authorization header name different clients.');
  const clientId = fromBody ?? basic?.clientId;
  if (clientId !== undefined && !isClientId(clientId)) throw tokenError('invalid_client', '"client_id" must be 1 to 200 printable ASCII characters.');
  return { clientId, secret: basic?.secret ?? bodySecret };
}

/**
 * The client of the request (RFC 6749 §3.2.1): a confidential one of the clients list proves it is, with its secret;
 * a public one only names itself (a secret it sends anyway is ignored, as libraries configured with one do).
 */
export function authenticateClient(
  clients: ClientRegistry,
  req: Request,
  body: Body,
  limit?: { throttle: LoginThrottle; res: Response },
): { clientId?: string; client?: RegisteredClient } {
  const { clientId, secret } = credentialsOf(req, body);
  const client = clients.find(clientId);
  if (client?.secret === undefined) return { clientId, client };
  if (secret === undefined)
    throw tokenError('invalid_client', `The client "${client.id}" is confidential: authenticate with its secret (client_secret_basic or client_secret_post).`);
  // A secret is a password: wrong ones are counted as failed logins are (README "Rate limits").
  const attempt = limit && attemptAt('client', client.id, req);
  const wait = limit && attempt && beginAttempt(limit.throttle, limit.res, attempt);
  if (attempt && wait) throw new TokenEndpointError('too_many_requests', waitMessage(attempt, wait), { 'Retry-After': String(wait.retryAfterSeconds) });
  const matches = secretMatches(client, secret);
  if (limit && attempt) settleAttempt(limit.throttle, limit.res, attempt, matches);
  if (!matches) throw tokenError('invalid_client', `The secret of the client "${client.id}" is wrong.`);
  return { clientId, client };
}
