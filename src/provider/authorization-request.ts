import { isPkceText } from './pkce';
import { checkClient, type ClientRules } from './clients';

/** The scopes this provider knows (OIDC Core §5.4, §11); others are ignored, as RFC 6749 §3.3 lets a server do. */
export const KNOWN_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The parameters of the authorization request the login form carries in hidden fields, in this order. */
export const REQUEST_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'login_hint',
  'max_age',
  'response_mode',
] as const;

export type RequestParameter = (typeof REQUEST_PARAMETERS)[number];

/** A request that passed every check. */
export interface AuthorizationRequest {
  clientId: string;
  /** As the client sent it: the token request must send exactly this. */
  redirectUri: string;
  redirectUrl: URL;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: 'none' | 'login';
  loginHint?: string;
  /** Seconds. */
  maxAge?: number;
  /** How the answer goes back: a redirect (query), or a page that posts it to the app's window (provider/web-message.ts). */
  responseMode: ResponseMode;
  /** The parameters as received (one string each), for the form's hidden fields. */
  parameters: Partial<Record<RequestParameter, string>>;
}

export type ResponseMode = 'query' | 'web_message';
export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'web_message'];

/** The response mode asked for, when it is one of ours; an error goes back that way too (query otherwise). */
function responseModeOf(value: unknown): ResponseMode | undefined {
  return RESPONSE_MODES.find((mode) => mode === value);
}

/** RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6: the error codes a redirect may carry. */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'registration_not_supported';

export type Checked =
  /** The client or its redirect URI is not valid: an error page, never a redirect. */
  | { outcome: 'refused'; problem: string }
  /** Any other error: back to the client with it (and its state, when that could be read). */
  | { outcome: 'redirect-error'; redirectUrl: URL; responseMode: ResponseMode; error: AuthorizationErrorCode; description: string; state?: string }
  | { outcome: 'valid'; request: AuthorizationRequest };

/** Reads one parameter: a string, undefined when absent, or an array when it came more than once. */
export type ParameterSource = (name: string) => unknown;

/** OIDC Core §6: request objects and dynamic registration are not supported here, and say so with their own codes. */
const UNSUPPORTED: Array<[string, AuthorizationErrorCode, string]> = [
  ['request', 'request_not_supported', 'Request objects (the request parameter) are not supported.'],
  ['request_uri', 'request_uri_not_supported', 'The request_uri parameter is not supported.'],
  ['registration', 'registration_not_supported', 'The registration parameter is not supported.'],
];

class RequestError extends Error {
  constructor(
    readonly error: AuthorizationErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalid = (description: string) => new RequestError('invalid_request', description);

/** Space-delimited values (RFC 6749 §3.3, OIDC `prompt`), without repeats. */
const spaceList = (value: string | undefined) => [...new Set((value ?? '').split(' ').filter((item) => item !== ''))];

function readScopes(scope: string | undefined): string[] {
  const scopes = spaceList(scope).filter((item) => (KNOWN_SCOPES as readonly string[]).includes(item));
  if (!scopes.includes('openid')) throw new RequestError('invalid_scope', 'The scope must include openid: this is an OpenID provider.');
  return scopes;
}

function readPkce(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined) throw invalid('code_challenge is required (PKCE, RFC 7636), with code_challenge_method=S256.');
  if (!isPkceText(challenge)) throw invalid('code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.2).');
  // RFC 7636 §4.3: no method means plain, which OAuth 2.1 refuses, as does this server.
  if (method !== 'S256') throw invalid(`code_challenge_method must be S256 (${method === undefined ? 'absent, which means plain' : method} is refused).`);
  return challenge;
}

function readPrompt(prompt: string | undefined): 'none' | 'login' | undefined {
  const values = spaceList(prompt);
  if (values.includes('none') && values.length > 1) throw invalid('prompt=none cannot be combined with other prompt values (OIDC Core 3.1.2.1).');
  if (values.includes('none')) return 'none';
  return values.includes('login') ? 'login' : undefined; // consent, select_account: nothing to ask here
}

function readMaxAge(maxAge: string | undefined): number | undefined {
  if (maxAge === undefined) return undefined;
  if (!/^\d{1,10}$/.test(maxAge)) throw invalid('max_age must be a whole number of seconds.');
  return Number(maxAge);
}

/**
 * Longer than any real state, nonce or hint (a state carrying a return URL included): a code keeps its nonce for
 * 60 s, so a megabyte nonce would be memory anyone could fill.
 */
export const MAX_PARAMETER_LENGTH = 2048;

/** Every parameter once at most (RFC 6749 §3.1), as strings of a bounded length. */
function readParameters(source: ParameterSource): Partial<Record<RequestParameter, string>> {
  const parameters: Partial<Record<RequestParameter, string>> = {};
  for (const name of REQUEST_PARAMETERS) {
    const value = source(name);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalid(`The ${name} parameter must be given once.`);
    if (value.length > MAX_PARAMETER_LENGTH) throw invalid(`The ${name} parameter is longer than ${MAX_PARAMETER_LENGTH} characters.`);
    parameters[name] = value;
  }
  return parameters;
}

function readRequest(source: ParameterSource, redirectUrl: URL): AuthorizationRequest {
  for (const [name, error, description] of UNSUPPORTED) if (source(name) !== undefined) throw new RequestError(error, description);
  const parameters = readParameters(source);
  const { response_type: responseType, response_mode: responseMode } = parameters;
  if (responseType === undefined) throw invalid('response_type is required; this server supports response_type=code.');
  if (responseType !== 'code') throw new RequestError('unsupported_response_type', 'Only response_type=code is supported (authorization code with PKCE).');
  if (responseMode !== undefined && !responseModeOf(responseMode)) throw invalid('response_mode must be query (the default) or web_message.');
  return {
    clientId: parameters.client_id!,
    redirectUri: parameters.redirect_uri!,
    redirectUrl,
    scopes: readScopes(parameters.scope),
    state: parameters.state,
    nonce: parameters.nonce,
    codeChallenge: readPkce(parameters.code_challenge, parameters.code_challenge_method),
    prompt: readPrompt(parameters.prompt),
    loginHint: parameters.login_hint,
    maxAge: readMaxAge(parameters.max_age),
    responseMode: responseModeOf(responseMode) ?? 'query',
    parameters,
  };
}

/**
 * Checks an authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1, RFC 7636 §4.3) from the query of a GET or
 * the body of the login form's POST, the same way for both. `rules`: --redirect-uri's URLs and the clients list.
 */
export function checkAuthorizationRequest(source: ParameterSource, rules: ClientRules = {}): Checked {
  const client = checkClient(source('client_id'), source('redirect_uri'), rules);
  if (!client.ok) return { outcome: 'refused', problem: client.problem };
  try {
    return { outcome: 'valid', request: readRequest(source, client.redirectUrl) };
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    const state = source('state');
    return {
      outcome: 'redirect-error',
      redirectUrl: client.redirectUrl,
      responseMode: responseModeOf(source('response_mode')) ?? 'query',
      error: error.error,
      description: error.description,
      // A state too long to send back is not sent back: the error says why.
      state: typeof state === 'string' && state.length <= MAX_PARAMETER_LENGTH ? state : undefined,
    };
  }
}

/** A ParameterSource over a URL query, which keeps repeated parameters apart (Express's qs would nest `a[b]`). */
export function queryParameters(originalUrl: string): ParameterSource {
  const question = originalUrl.indexOf('?');
  const query = new URLSearchParams(question === -1 ? '' : originalUrl.slice(question + 1));
  return (name) => {
    const values = query.getAll(name);
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  };
}

/** A ParameterSource over a parsed form body (body-parser's urlencoded gives arrays for repeats). */
export function bodyParameters(body: unknown): ParameterSource {
  const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined);
}
