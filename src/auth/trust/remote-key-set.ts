import { invalidToken } from '../challenge';
import { fetchJson, FetchFailure, quoted } from './fetch-json';
import { signingKeysOf, type TrustedKey } from './jwk-keys';

/**
 * The keys of one trusted identity provider: from its discovery document's `jwks_uri` (or the JWKS URL given),
 * fetched at start, kept, and fetched again when a token names a kid they lack — at most once every 30 s, so a
 * stream of forged kids cannot make the server hammer the provider. While the provider has never answered (it
 * starts after us, as in a test suite's docker compose), a token of it retries sooner.
 */
export const REFRESH_INTERVAL_MS = 30_000;
export const RETRY_UNANSWERED_MS = 2_000;

export interface RemoteKeySet {
  readonly issuer: string;
  /** Fetches the keys now; throws a FetchFailure saying why it could not (for the start's warning). */
  load(): Promise<void>;
  /** The key a token's `kid` names, fetching again if the kid is new and the pace allows; else an invalid_token. */
  keyFor(kid: unknown): Promise<TrustedKey>;
  /** Whether `key` is still one of the provider's keys (a cached verification must not outlive its key). */
  holds(key: TrustedKey): boolean;
}

/** Where the provider's metadata is: OpenID Connect Discovery §4, then RFC 8414 §3 (the well-known part before the path). */
function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return [`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, `${url.origin}/.well-known/oauth-authorization-server${path}`];
}

/** The provider's JWKS URL, from the first metadata document that answers; its `issuer` must be the one trusted. */
async function discoverJwksUri(issuer: string): Promise<string> {
  let failure: FetchFailure | undefined;
  for (const url of metadataUrls(issuer)) {
    let document: unknown;
    try {
      document = await fetchJson(url);
    } catch (error) {
      // Only a provider that answers, without this document, may have the other; one that does not answer has neither.
      if (!(error instanceof FetchFailure) || error.status === undefined) throw error;
      failure ??= error;
      continue;
    }
    const { issuer: named, jwks_uri: jwksUri } = (document ?? {}) as Record<string, unknown>;
    // OpenID Connect Discovery §4.3, RFC 8414 §3.3: a document naming another issuer is not this issuer's.
    if (named !== issuer) throw new FetchFailure(`${url} names the issuer ${quoted(named)}, not ${issuer} (write --trust exactly as its tokens' iss)`);
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new FetchFailure(`${url} has no http(s) jwks_uri`);
    return jwksUri;
  }
  throw failure!;
}

export function makeRemoteKeySet(issuer: string, jwksUri: string | undefined, now: () => number): RemoteKeySet {
  let keys: TrustedKey[] | undefined;
  let lastAttempt = -Infinity;
  let lastFailure: string | undefined;
  let inFlight: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    const fetched = signingKeysOf(await fetchJson(jwksUri ?? (await discoverJwksUri(issuer))));
    if (fetched.length === 0) throw new FetchFailure(`the JWKS of ${issuer} has no signing key this server can use`);
    keys = fetched;
  }

  function load(): Promise<void> {
    lastAttempt = now();
    inFlight ??= fetchKeys()
      .then(() => (lastFailure = undefined))
      .catch((error: unknown) => {
        lastFailure = error instanceof Error ? error.message : String(error);
        throw error;
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  }

  const find = (kid: unknown) => keys?.filter((key) => (kid === undefined ? true : key.kid === kid));

  async function keyFor(kid: unknown): Promise<TrustedKey> {
    if (kid !== undefined && typeof kid !== 'string') throw invalidToken('the token has a kid that is not a string');
    let found = find(kid);
    const wait = keys === undefined ? RETRY_UNANSWERED_MS : REFRESH_INTERVAL_MS;
    if (!found?.length && (inFlight || now() - lastAttempt >= wait)) {
      await load().catch(() => undefined);
      found = find(kid);
    }
    if (keys === undefined) throw invalidToken(`the keys of the trusted issuer ${issuer} could not be fetched (${lastFailure ?? 'not yet'}); is it running?`);
    if (!found?.length)
      throw invalidToken(kid === undefined ? `the token has no kid naming one of the keys of ${issuer}` : `the token's kid names no key of ${issuer}`);
    // RFC 7515 §4.1.4: without a kid, the key must be the one there is.
    if (found.length > 1)
      throw invalidToken(kid === undefined ? `the token has no kid, and ${issuer} has several keys` : `several keys of ${issuer} have the token's kid`);
    return found[0];
  }

  const holds = (key: TrustedKey) => keys?.includes(key) ?? false;

  return { issuer, load, keyFor, holds };
}
