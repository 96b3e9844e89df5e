import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { SAMPLE_LOGINS } from './project';

/** What supertest sends to: an app, a server, or a base URL. */
type Target = Parameters<typeof request>[0];

/**
 * The OpenID provider's sign-in as a browser and a public client go through it (RFC 6749 §4.1, RFC 7636): the
 * authorization request with a fresh PKCE pair, the login page, its form posted with the cookies the page set, the
 * redirect with the code, and the code exchanged at the token endpoint. Tests of the authorization endpoint's own edge
 * cases (oidc-authorize, red-team-oidc, the Auth0 preset) build their requests by hand instead.
 */

export const PROVIDER_HOST = 'localhost:3000';
/** The server's own origin as the browser sends it: the auth origin gate lets the form through from there only. */
export const PROVIDER_ORIGIN = `http://${PROVIDER_HOST}`;
export const PROVIDER_CLIENT = 'my-spa';
export const PROVIDER_REDIRECT = 'http://localhost:5173/callback';
/** The browser's provider session: a later authorization request that carries it skips the form. */
export const PROVIDER_SESSION_COOKIE = 'fake_jwt_api_op';

export interface AuthorizeOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  /** `undefined` sends no state. */
  state?: string | undefined;
  /** More authorization parameters (prompt, max_age, nonce…), or another value for one of the above. */
  params?: Record<string, string>;
  /** The PKCE verifier, for a test that exchanges its codes by hand; a new one unless told. */
  verifier?: string;
}

export interface AuthorizeRequest {
  /** The path and query of GET /auth/authorize. */
  url: string;
  /** The PKCE verifier whose S256 challenge the URL carries. */
  verifier: string;
  clientId: string;
  redirectUri: string;
}

/** An authorization-code request with a new PKCE pair, for `my-spa` back to the usual callback unless told. */
export function authorizeRequest(options: AuthorizeOptions = {}): AuthorizeRequest {
  const { clientId = PROVIDER_CLIENT, redirectUri = PROVIDER_REDIRECT, scope = 'openid email', params = {} } = options;
  const state = 'state' in options ? options.state : 's1';
  const verifier = options.verifier ?? randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope,
    ...(state === undefined ? {} : { state }),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...params,
  });
  return { url: `/auth/authorize?${query}`, verifier, clientId, redirectUri };
}

/** GET of an authorization URL as the browser at localhost:3000 sends it, with the cookies it holds. */
export const getAuthorize = (target: Target, url: string, cookies: string[] = []) =>
  request(target).get(url).set('Host', PROVIDER_HOST).set('Cookie', cookies.join('; '));

/** The `name=value` pairs of a response's Set-Cookie headers. */
export const cookiePairs = (response: request.Response): string[] =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]);

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The hidden inputs of a page (the login form's request parameters and CSRF token), unescaped as a browser posts them. */
export const hiddenFields = (html: string): Record<string, string> =>
  Object.fromEntries(
    [...html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map(([, name, value]) => [
      name,
      value.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]),
    ]),
  );

/** A status a step must answer, or 'any' when the test looks at the answer itself. */
export type ExpectedStatus = number | 'any';

function expectStatus(response: request.Response, expected: ExpectedStatus, step: string): void {
  if (expected === 'any' || response.status === expected) return;
  throw new Error(`${step} answered ${response.status}, not ${expected}: ${response.headers.location ?? response.text.slice(0, 300)}`);
}

export interface SignInOptions extends AuthorizeOptions {
  /** What the login form is posted with: alice's email and password unless told (`username` under --login-field). */
  credentials?: Record<string, string>;
  /** The cookies the browser already holds (a provider session, for prompt=none or prompt=login). */
  cookies?: string[];
  /** The Origin header of the form post. */
  origin?: string;
  /** What GET /auth/authorize must answer: 200, the login page, unless told; with any other answer no form is posted. */
  pageStatus?: ExpectedStatus;
  /** What the form post must answer: 302 to the client unless told. */
  answerStatus?: ExpectedStatus;
}

export interface ProviderSignIn extends AuthorizeRequest {
  /** The answer to GET /auth/authorize: the login page, or (prompt=none, a provider session) the redirect itself. */
  page: request.Response;
  /** The answer to the form post; the page again when no form was posted. */
  answer: request.Response;
  /** The cookies the browser holds afterwards, as `name=value`. */
  cookies: string[];
  /** The provider session cookie the answer set (`fake_jwt_api_op=…`), if it set one. */
  providerCookie: string | undefined;
  /** The Location of the answer, and the parameters it carries (code, state, iss, or error). */
  location: string | undefined;
  redirect: Record<string, string>;
  code: string;
  /** POST /auth/token with grant_type=authorization_code for this code and verifier; `fields` add or replace some. */
  exchange(fields?: Record<string, string>): request.Test;
}

/** POST /auth/token exchanging `code` as a public client does (RFC 6749 §4.1.3, with the PKCE verifier). */
export const exchangeCode = (target: Target, flow: Pick<AuthorizeRequest, 'verifier' | 'clientId' | 'redirectUri'>, code: string, fields = {}) =>
  request(target)
    .post('/auth/token')
    .type('form')
    .send({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, client_id: flow.clientId, code_verifier: flow.verifier, ...fields });

/** The parameters of a redirect's Location. */
export const redirectParameters = (response: request.Response): Record<string, string> =>
  response.headers.location === undefined ? {} : Object.fromEntries(new URL(response.headers.location as string).searchParams);

/** Signs in at the provider's login page, as `SignInOptions` say; what the browser and the client then hold. */
export async function signInAtProvider(target: Target, options: SignInOptions = {}): Promise<ProviderSignIn> {
  const flow = authorizeRequest(options);
  const held = options.cookies ?? [];
  const page = await getAuthorize(target, flow.url, held);
  expectStatus(page, options.pageStatus ?? 200, 'GET /auth/authorize');
  const answer = page.status === 200 ? await postLoginForm(target, page, { ...options, cookies: [...held, ...cookiePairs(page)] }) : page;
  if (answer !== page) expectStatus(answer, options.answerStatus ?? 302, 'POST /auth/authorize');
  const redirect = redirectParameters(answer);
  return {
    ...flow,
    page,
    answer,
    cookies: [...held, ...cookiePairs(page), ...(answer === page ? [] : cookiePairs(answer))],
    providerCookie: cookiePairs(answer).find((cookie) => cookie.startsWith(`${PROVIDER_SESSION_COOKIE}=`)),
    location: answer.headers.location,
    redirect,
    code: redirect.code,
    exchange: (fields) => exchangeCode(target, flow, redirect.code, fields),
  };
}

/** The login form of `page` posted with the page's hidden fields, the credentials, the cookies and the Origin. */
function postLoginForm(target: Target, page: request.Response, options: SignInOptions): request.Test {
  return request(target)
    .post('/auth/authorize')
    .set('Host', PROVIDER_HOST)
    .set('Cookie', (options.cookies ?? []).join('; '))
    .set('Origin', options.origin ?? PROVIDER_ORIGIN)
    .type('form')
    .send({ ...hiddenFields(page.text), ...(options.credentials ?? SAMPLE_LOGINS.alice) });
}
