/** The OpenID provider's endpoints (README "Use it as your OpenID provider"), under /auth: never a db.json resource. */
export const AUTHORIZE_PATH = '/auth/authorize';
export const TOKEN_PATH = '/auth/token';
export const USERINFO_PATH = '/auth/userinfo';
export const END_SESSION_PATH = '/auth/end-session';
