import type { IssuerPolicy } from '../auth/issuer-policy';
import { decodeUnverified, verifySigned } from '../auth/signature-check';
import type { SigningKeys } from '../auth/signing-keys';
import { MAX_PARAMETER_LENGTH, type ParameterSource } from './authorization-request';
import { isClientId } from './client-registry';
import { checkRedirectUri, type ClientRules } from './clients';

/** What a valid id_token_hint says: whose session to end, and for which client it was issued. */
export interface IdTokenHint {
  /** `sid`: the session the token endpoint started. */
  sessionId: string;
  /** `sub`: the account. */
  accountId: string;
  /** `aud`: the client ids the ID token was issued to. */
  clientIds: readonly string[];
}

export interface HintContext {
  keys: SigningKeys;
  issuer: IssuerPolicy;
  /** Milliseconds since the epoch, the server's clock. */
  now: () => number;
}

const audiences = (aud: unknown): string[] | undefined =>
  typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.length > 0 && aud.every((item) => typeof item === 'string') ? aud : undefined;

/**
 * An ID token this server signed, with one of its keys and that key's algorithm, and an issuer of its own; expired
 * or not (RP-Initiated Logout 1.0 §2: the hint may have expired, since the session it names may be long). Anything
 * else (a forged signature, `alg: none`, another issuer, an access token, which is `at+jwt`) is no hint: undefined.
 */
export function readIdTokenHint(token: unknown, { keys, issuer, now }: HintContext): IdTokenHint | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const { header } = decodeUnverified(token);
    const verifier = keys.verifierFor(header.kid);
    if (!verifier || header.alg !== verifier.alg || header.typ !== 'JWT') return undefined;
    const { payload } = verifySigned(token, verifier.key, verifier.alg, { ignoreExpiration: true, clockTimestamp: Math.floor(now() / 1000) });
    if (typeof payload !== 'object' || !issuer.accepts(payload.iss)) return undefined;
    const clientIds = audiences(payload.aud);
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string' || !clientIds) return undefined;
    return { sessionId: payload.sid, accountId: payload.sub, clientIds };
  } catch {
    return undefined; // decodeUnverified and verifySigned throw invalid_token: here it only means "no hint"
  }
}

/** The end-session parameters this server reads (logout_hint and ui_locales are ignored). */
export const END_SESSION_PARAMETERS = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'] as const;

/** A request whose parameters hold together: where to go afterwards (if anywhere), and what to take there. */
export interface EndSessionRequest {
  redirectUrl?: URL;
  /** As received, for the confirmation form's hidden fields. */
  postLogoutRedirectUri?: string;
  state?: string;
  clientId?: string;
}

export type EndSessionCheck = { ok: true; request: EndSessionRequest } | { ok: false; problem: string };

/**
 * RP-Initiated Logout 1.0 §2 and §3: each parameter once; a client_id that agrees with the hint's `aud`; a
 * post_logout_redirect_uri that passes the redirect_uri rule (clients.ts), or the answer is an error page, never a
 * redirect. `rules`: --redirect-uri's URLs, and the clients list, whose postLogoutRedirectUris are a client's only ones.
 */
export function checkEndSessionRequest(source: ParameterSource, hint: IdTokenHint | undefined, { redirectUris, clients }: ClientRules = {}): EndSessionCheck {
  const values: Partial<Record<(typeof END_SESSION_PARAMETERS)[number], string>> = {};
  for (const name of END_SESSION_PARAMETERS) {
    const value = source(name);
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') return { ok: false, problem: `The ${name} parameter must be given once.` };
    // An ID token with a profile may be long; nothing else need be (and a state is echoed into a header).
    const limit = name === 'id_token_hint' ? 16 * MAX_PARAMETER_LENGTH : MAX_PARAMETER_LENGTH;
    if (value.length > limit) return { ok: false, problem: `The ${name} parameter is longer than ${limit} characters.` };
    values[name] = value;
  }
  const { client_id: clientId, post_logout_redirect_uri: postLogoutRedirectUri, state } = values;
  if (clientId !== undefined && !isClientId(clientId)) return { ok: false, problem: 'The client_id must be 1 to 200 printable ASCII characters.' };
  // §2: when both come, the OP MUST check that the client_id is the one the ID token was issued to.
  if (clientId !== undefined && hint && !hint.clientIds.includes(clientId))
    return { ok: false, problem: 'The client_id is not the client the id_token_hint was issued to.' };
  if (postLogoutRedirectUri === undefined) return { ok: true, request: { state, clientId } };
  // The client is the one named, or the one the hint was issued to.
  const client = clients?.find(clientId ?? hint?.clientIds[0]);
  const checked = checkRedirectUri(postLogoutRedirectUri, { allowed: redirectUris, registered: client?.postLogoutRedirectUris ?? client?.redirectUris });
  if (!checked.ok) return { ok: false, problem: checked.problem.replace(/\bredirect_uri\b/g, 'post_logout_redirect_uri') };
  return { ok: true, request: { redirectUrl: checked.redirectUrl, postLogoutRedirectUri, state, clientId } };
}
