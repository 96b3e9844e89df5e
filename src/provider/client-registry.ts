import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_ROLE } from '../accounts/accounts-file';
import { parseRoleName } from '../accounts/roles';

/**
 * The `clients` list of the config file (or of createServer): clients with a fixed id, a name, exact redirect URIs,
 * a secret, grants, a token lifetime, claims. A client_id the list does not name stays what every client is
 * without it: public, with loopback (and --redirect-uri) redirect URIs. ServerOptions.clients (config/server-options.ts)
 * is the list as written; parseClients checks it, once, for createServer and for the config file alike.
 */

/** RFC 6749 Appendix A.1: client_id is VSCHAR (%x20-7E); 200 is more than any real id needs. */
const CLIENT_ID = /^[\x20-\x7e]{1,200}$/;

export const isClientId = (value: unknown): value is string => typeof value === 'string' && CLIENT_ID.test(value);

export const CLIENT_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type ClientGrant = (typeof CLIENT_GRANTS)[number];

/** A client that names no grants: the code flow and its refreshes; client_credentials is only ever asked for. */
const DEFAULT_GRANTS: readonly ClientGrant[] = ['authorization_code', 'refresh_token'];

/** An entry of the list, checked, its defaults filled in (ServerOptions.clients says what each field does). */
export interface RegisteredClient {
  id: string;
  /** Shown on the login page instead of the id. */
  name?: string;
  /** A confidential client: the token endpoint wants it (client_secret_basic or client_secret_post). */
  secret?: string;
  /** The only redirect URIs of this client, exactly as written. */
  redirectUris?: readonly string[];
  /** The only post_logout_redirect_uri values of this client, exactly as written. */
  postLogoutRedirectUris?: readonly string[];
  grants: readonly ClientGrant[];
  accessTtlSeconds?: number;
  /** The account fields that may become `profile` claims; undefined: all. */
  claims?: readonly string[];
  /** The role of its client_credentials tokens, as written; undefined: the registry's default role. */
  role?: string;
}

/** Seconds in a duration (`900`, `15m`), undefined when it is none: config/duration.ts parseDuration, handed in. */
export type DurationParser = (value: string | number) => number | undefined;

export interface ClientRegistry {
  readonly clients: readonly RegisteredClient[];
  find(clientId: string | undefined): RegisteredClient | undefined;
  /** Some client has a secret: discovery names the secret methods. */
  readonly hasConfidential: boolean;
  /** Some client may use client_credentials: discovery names the grant. */
  readonly hasClientCredentials: boolean;
  /**
   * The role of the service tokens of a client (the client_credentials grant): undefined when no client of the
   * list has that id and that grant, so a service token of a client removed from the list is worth nothing.
   */
  serviceRoleOf(clientId: string): string | undefined;
}

export type ClientsParse = { ok: true; clients: RegisteredClient[] } | { ok: false; problem: string };

const KNOWN_FIELDS = new Set(['id', 'name', 'secret', 'redirectUris', 'postLogoutRedirectUris', 'grants', 'accessTtl', 'claims', 'role']);

class EntryError extends Error {}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

function textList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isText)) throw new EntryError(`"${field}" must be a list of strings`);
  return value;
}

/** An exact redirect URI: absolute http(s), no fragment (RFC 6749 §3.1.2), compared as written. */
function uriList(value: unknown, field: string): string[] | undefined {
  const list = textList(value, field);
  for (const uri of list ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(uri);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || uri.includes('#'))
      throw new EntryError(`"${field}": "${uri}" is not an http(s) URL without a fragment; write it as the client sends it`);
  }
  return list;
}

function grantsOf(value: unknown, secret: unknown): ClientGrant[] {
  if (value === undefined) return [...DEFAULT_GRANTS];
  const list = textList(value, 'grants') ?? [];
  const unknown = list.find((grant) => !(CLIENT_GRANTS as readonly string[]).includes(grant));
  if (unknown !== undefined) throw new EntryError(`"grants": "${unknown}" is not one of ${CLIENT_GRANTS.join(', ')}`);
  // A client with neither could get no token at all; refresh tokens come only from a code (RFC 6749 §4.4.3).
  if (!list.includes('authorization_code') && !list.includes('client_credentials'))
    throw new EntryError('"grants" must include authorization_code (or client_credentials, for a backend with a secret)');
  if (list.includes('refresh_token') && !list.includes('authorization_code'))
    throw new EntryError('"grants": refresh_token needs authorization_code (client_credentials gives no refresh token)');
  // RFC 6749 §4.4: the grant is the client's own authentication, so only a confidential client has it.
  if (list.includes('client_credentials') && secret === undefined)
    throw new EntryError('"grants": client_credentials is for a confidential client: give it a "secret"');
  return list as ClientGrant[];
}

/** The role of the client's service tokens: a role name, and only for a client that may get them. */
function serviceRole(value: unknown, grants: readonly ClientGrant[]): string | undefined {
  if (value === undefined) return undefined;
  let role: string;
  try {
    role = parseRoleName(value);
  } catch (error) {
    throw new EntryError(`"role" must be a role name, like "service" (${(error as Error).message})`);
  }
  if (!grants.includes('client_credentials'))
    throw new EntryError('"role" is the role of the client\'s client_credentials tokens: add client_credentials to its "grants"');
  return role;
}

function entryOf(value: unknown, seconds: DurationParser): RegisteredClient {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EntryError('must be an object like { "id": "my-spa" }');
  const entry = value as Record<string, unknown>;
  const extra = Object.keys(entry).find((field) => !KNOWN_FIELDS.has(field));
  if (extra !== undefined) throw new EntryError(`"${extra}" is not a client field (${[...KNOWN_FIELDS].join(', ')})`);
  if (!isClientId(entry.id)) throw new EntryError('"id" is required: 1 to 200 printable ASCII characters');
  for (const field of ['name', 'secret'])
    if (entry[field] !== undefined && !isText(entry[field])) throw new EntryError(`"${field}" must be a non-empty string`);
  const { accessTtl } = entry;
  const accessTtlSeconds = typeof accessTtl === 'string' || typeof accessTtl === 'number' ? seconds(accessTtl) : undefined;
  if (accessTtl !== undefined && accessTtlSeconds === undefined) throw new EntryError('"accessTtl" must be seconds or a duration like "15m", "1h"');
  const grants = grantsOf(entry.grants, entry.secret);
  return {
    id: entry.id,
    name: entry.name as string | undefined,
    secret: entry.secret as string | undefined,
    redirectUris: uriList(entry.redirectUris, 'redirectUris'),
    postLogoutRedirectUris: uriList(entry.postLogoutRedirectUris, 'postLogoutRedirectUris'),
    grants,
    accessTtlSeconds,
    claims: textList(entry.claims, 'claims'),
    role: serviceRole(entry.role, grants),
  };
}

/** Checks a `clients` value; the problem names the entry (`clients[1] ("my-spa")`) and the field. */
export function parseClients(value: unknown, seconds: DurationParser): ClientsParse {
  if (value === undefined) return { ok: true, clients: [] };
  if (!Array.isArray(value)) return { ok: false, problem: 'must be a list of clients, like [{ "id": "my-spa" }]' };
  const clients: RegisteredClient[] = [];
  for (const [index, item] of value.entries()) {
    const id = (item as { id?: unknown } | null)?.id;
    const where = `clients[${index}]${typeof id === 'string' ? ` ("${id}")` : ''}`;
    try {
      const client = entryOf(item, seconds);
      if (clients.some((each) => each.id === client.id)) throw new EntryError(`"id": another client has the id "${client.id}"`);
      clients.push(client);
    } catch (error) {
      if (!(error instanceof EntryError)) throw error;
      return { ok: false, problem: `${where}: ${error.message}` };
    }
  }
  return { ok: true, clients };
}

/** `defaultRole`: the role of the service tokens of a client without one, the role of new accounts (--default-role). */
export function makeClientRegistry(clients: readonly RegisteredClient[] = [], defaultRole = DEFAULT_ROLE): ClientRegistry {
  const byId = new Map(clients.map((client) => [client.id, client]));
  return {
    clients,
    find: (clientId) => (clientId === undefined ? undefined : byId.get(clientId)),
    hasConfidential: clients.some((client) => client.secret !== undefined),
    hasClientCredentials: clients.some((client) => client.grants.includes('client_credentials')),
    serviceRoleOf(clientId) {
      const client = byId.get(clientId);
      return client?.grants.includes('client_credentials') ? (client.role ?? defaultRole) : undefined;
    },
  };
}

/** Whether `presented` is the client's secret, in a time that says nothing of how much of it was right. */
export function secretMatches(client: RegisteredClient, presented: string | undefined): boolean {
  if (client.secret === undefined || presented === undefined) return false;
  // Hashes first: timingSafeEqual wants equal lengths, and the length of the secret is no one's business either.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(client.secret), digest(presented));
}
