/** The OpenID provider's endpoints (README "Use it as your OpenID provider"), under /auth: never a db.json resource. */
export const AUTHORIZE_PATH = '/auth/authorize';
export const TOKEN_PATH = '/auth/token';
export const USERINFO_PATH = '/auth/userinfo';
export const END_SESSION_PATH = '/auth/end-session';
/** auth/token-routes.ts's. */
const REVOKE_PATH = '/auth/revoke';

/** --provider-paths: where a library with hard-coded paths looks for the endpoints. */
export type ProviderPathPreset = 'standard' | 'auth0';
export const PROVIDER_PATH_PRESETS = ['standard', 'auth0'] as const satisfies readonly ProviderPathPreset[];

export interface ProviderPaths {
  authorize: string;
  token: string;
  userinfo: string;
  endSession: string;
  /** RFC 7009 revocation: auth/token-routes.ts answers it at /auth/revoke. */
  revoke: string;
  /** Whether the issuer is the origin with a trailing slash (`http://localhost:3000/`), as Auth0's tenants' are. */
  issuerTrailingSlash: boolean;
  /**
   * Where the browser's sign-in cookie goes: every path that reads it, and no wider (a cookie is sent to every port
   * of the host, so Path=/ would hand it to the app's own dev server too). The CSRF cookie stays under /auth,
   * where the forms post.
   */
  signInCookiePaths: readonly string[];
}

const STANDARD: ProviderPaths = {
  authorize: AUTHORIZE_PATH,
  token: TOKEN_PATH,
  userinfo: USERINFO_PATH,
  endSession: END_SESSION_PATH,
  revoke: REVOKE_PATH,
  issuerTrailingSlash: false,
  signInCookiePaths: ['/auth'],
};

/**
 * What @auth0/auth0-spa-js builds from `domain` (its Auth0Client.ts and api.ts): `/authorize`, `/oauth/token`,
 * `/v2/logout`, `/oauth/revoke` (revokeRefreshToken), and `iss` = `https://<domain>/`; `/userinfo` as Auth0 serves it. The /auth paths keep working.
 */
const AUTH0: ProviderPaths = {
  authorize: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  endSession: '/v2/logout',
  revoke: '/oauth/revoke',
  issuerTrailingSlash: true,
  // /authorize and /v2/logout are outside /auth: the sign-in cookie must reach them too.
  signInCookiePaths: ['/auth', '/authorize', '/v2/logout'],
};

export function providerPathsOf(preset: ProviderPathPreset = 'standard'): ProviderPaths {
  return preset === 'auth0' ? AUTH0 : STANDARD;
}

/** The preset's own paths (not the /auth ones), mapped to the /auth endpoint that answers them. */
export function presetAliases(paths: ProviderPaths): ReadonlyMap<string, string> {
  const pairs: Array<[string, string]> = [
    [paths.authorize, AUTHORIZE_PATH],
    [paths.token, TOKEN_PATH],
    [paths.userinfo, USERINFO_PATH],
    [paths.endSession, END_SESSION_PATH],
    [paths.revoke, REVOKE_PATH],
  ];
  return new Map(pairs.filter(([alias, path]) => alias !== path));
}
