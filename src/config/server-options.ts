import type { RequestHandler } from 'express';
import type { DefaultAccess } from '../access/guard';
import type { Data } from '../json-server/database';

/** Where the OpenID provider's endpoints also answer (provider/paths.ts has the paths of each). */
export type ProviderPathPreset = 'standard' | 'auth0';

/** One client of ServerOptions.clients. */
export interface ClientConfig {
  /** Its client_id. */
  id: string;
  /** Shown on the login page instead of the id. */
  name?: string;
  /** Makes it confidential: the token endpoint wants the secret (client_secret_basic or client_secret_post). */
  secret?: string;
  /** Its only redirect URIs, exactly as it sends them (loopback ones included); default: any loopback URL. */
  redirectUris?: readonly string[];
  /** Its only post_logout_redirect_uri values, exactly; default: any loopback URL. */
  postLogoutRedirectUris?: readonly string[];
  /**
   * Default authorization_code and refresh_token; without refresh_token there is no refresh token, offline_access or
   * not. client_credentials (a client with a secret only): service tokens for a backend, with `role`.
   */
  grants?: ReadonlyArray<'authorization_code' | 'refresh_token' | 'client_credentials'>;
  /** Its access tokens' lifetime: seconds, or `15m`, `1h`; default the server's accessTtl. */
  accessTtl?: string | number;
  /** The account fields that become `profile` claims (ID token, userinfo); default all. */
  claims?: readonly string[];
  /** The role of its client_credentials tokens, for the rules of routes.json; default the role of new accounts (defaultRole). */
  role?: string;
}

/** What createServer() takes. The command line's flags set these by the same names (config/option-table.ts). */
export interface ServerOptions {
  /** A db.json path, a .js/.cjs file exporting data (or a function returning it), or the data itself. */
  db: string | Data;
  /** The accounts file; default `users.json` beside the db (the working directory for in-memory data). */
  users?: string;
  /**
   * The folder of the server's state: the generated secret, sessions, account ids, record ids and locks. Default
   * `.fake-jwt-api` beside the accounts file; a test suite can put it in a temporary folder.
   */
  stateDir?: string;
  /** routes.json: a path or its parsed content; default `routes.json` beside the db when it exists. */
  routes?: string | Record<string, unknown>;
  /** Folder of static files; default `./public` when it exists. */
  static?: string;
  readOnly?: boolean;
  /** CORS for every response (json-server's default); false is --no-cors. */
  cors?: boolean;
  /** gzip responses (json-server's default); false is --no-gzip. */
  gzip?: boolean;
  /** Milliseconds to wait before json-server answers (--delay). */
  delay?: number;
  /** The id property of records (--id). */
  id?: string;
  foreignKeySuffix?: string;
  /** The request log: one line per request, with who asked (off with --quiet). */
  logger?: boolean;
  /** Express middlewares run, after the access check, before json-server (--middlewares). */
  middlewares?: RequestHandler[];
  /** HS256 signing secret, at least 32 bytes; default: generated once and kept in the state folder. */
  secret?: string;
  /**
   * The signing algorithm: RS256, ES256 or EdDSA sign with a key pair generated once and kept in the state folder
   * (keys.json), published at /.well-known/jwks.json; HS256 with the secret. Default: RS256, or HS256 with a `secret`.
   */
  alg?: 'RS256' | 'ES256' | 'EdDSA' | 'HS256';
  /** Access-token lifetime: seconds, or `15m`, `1h`, `7d`. */
  accessTtl?: string | number;
  /**
   * POST /auth/login may ask a shorter access-token lifetime for its session (`"expiresIn": "30s"`, at most
   * `accessTtl`), which its refreshes keep: a course shows token expiry without waiting an hour. Off by default.
   */
  allowClientTtl?: boolean;
  /** Refresh-token lifetime: each refresh gives a new one that lives this long (default 7d). */
  refreshTtl?: string | number;
  /** A session's absolute lifetime from its login, however often it refreshes (default 30d). */
  sessionTtl?: string | number;
  /**
   * How long after a refresh the refresh token it spent, presented again, gets the same new refresh token instead of
   * ending the session as stolen: two tabs refreshing at once both stay signed in. Default `10s`; `0` is strict.
   */
  refreshReuseInterval?: string | number;
  /** A login ends the user's earlier sessions. */
  singleSession?: boolean;
  /** Refresh tokens travel in an HttpOnly cookie (Path /auth) instead of the response body. */
  cookie?: boolean;
  /** The cookie's Secure flag (needs https). */
  cookieSecure?: boolean;
  cookieSameSite?: 'Strict' | 'Lax' | 'None';
  /**
   * Origins whose pages may use the auth endpoints (get a token, use the refresh cookie), with credentialed CORS,
   * besides pages on localhost, 127.0.0.1 and [::1] (any port) and the server's own. `'*'` allows any origin.
   * Data and static files answer CORS to any origin, as json-server's do.
   */
  corsOrigins?: readonly string[];
  /**
   * Host names the server answers besides localhost, *.localhost and IP addresses (DNS rebinding protection):
   * `myapp.test`, or `.example.com` for it and its subdomains. `'all'` (or true) answers any Host.
   */
  allowedHosts?: readonly string[] | 'all' | true;
  issuer?: string;
  audience?: string;
  /**
   * Profile fields of the account copied, as the JSON they are, into its access tokens and ID tokens (README "Custom
   * claims"): `['name', 'department']`. A field the account lacks is no claim; a token says what the account held
   * when it was minted. A name the server sets or reads itself (`role`, `sub`, `email`, `nonce`...) or a password
   * field stops the start.
   */
  claims?: readonly string[];
  /** Redirect URIs the OpenID provider accepts, exactly as written, besides any loopback URL (--redirect-uri). */
  redirectUris?: readonly string[];
  /**
   * Failed-login throttling (README "Rate limits"): `off`, or `login=<failures>/<longest wait>,ip=<failures>/<window>`
   * (each part also `off`); default 10 failures per account and address (waits of 1 min doubling to 15 min) and 100
   * per address in 15 min.
   */
  rateLimit?: string;
  /**
   * --login-field: `email` (the default) or `username`, the one a registration must give and the provider's login page
   * asks for; POST /auth/login takes either (README "Login by username").
   */
  loginField?: 'email' | 'username';
  /** --require-verified-email: an account logs in only once its email is verified (README "Email verification"). */
  requireVerifiedEmail?: boolean;
  /** The link of a password-reset mail, `{token}` where the token goes; default the server's own reset page. */
  resetUrl?: string;
  /** --smtp `host:port` (`[::1]:1025` for IPv6): every mail of the outbox is also relayed there (README "The outbox"). */
  smtp?: string;
  /** Express's `trust proxy`: whose X-Forwarded-For counts for the client's address; default none (the socket's). */
  trustProxy?: boolean | number | string | readonly string[];
  /** --provider-paths: `auth0` also answers Auth0's paths, with an issuer ending in `/` (README "Use it as your OpenID provider"). */
  providerPaths?: ProviderPathPreset;
  /**
   * The OpenID provider's registered clients (the config file's `clients`; README "Use it as your OpenID
   * provider"). A client_id not listed is a public client with loopback redirect URIs.
   */
  clients?: readonly ClientConfig[];
  /**
   * Identity providers whose access tokens are accepted too (README "Use your own identity provider"): each an
   * issuer URL, exactly as its tokens' `iss` says. Their keys come from the issuer's discovery document.
   */
  trust?: readonly string[];
  /** The JWKS URL of a trusted issuer without discovery; with several issuers, `<issuer-url>=<jwks-url>`. */
  trustJwks?: readonly string[];
  /** The audiences a trusted token must name one of; default: any. */
  trustAudience?: readonly string[];
  /** The claim of a trusted token matched to a local account's email (default `email`). */
  trustEmailClaim?: string;
  /** Where a trusted token names its role(s): a claim, a dotted path, or a namespaced claim (default `role`). */
  roleClaim?: string;
  defaultAccess?: DefaultAccess;
  passwordMinLength?: number;
  /** The role of self-registered accounts (a shop: `customer`); default `user`. A caller never chooses it. */
  defaultRole?: string;
  /** The clock, in milliseconds since the epoch; tests move it instead of sleeping. */
  now?: () => number;
  /**
   * The caller reloads the app when db.json is edited by hand (the CLI's --watch): a change that races the edit
   * answers 409 "send it again". Either way a hand edit is never written over; without this, every change after
   * one answers 409 until a restart, and one line on stderr says so.
   */
  keepExternalEdits?: boolean;
  /**
   * Watch users.json, so an account deleted by hand loses its sessions before the next request, not at the next
   * auth request. The command line turns it on; close() stops it.
   */
  watchUsers?: boolean;
  /** Adds POST /__reset, for the admin role: data, accounts and sessions back to how they were at start. */
  allowReset?: boolean;
  /** Every caller sees every account's email in the users resource (as json-server-auth); by default only its owner and admins. */
  publicEmails?: boolean;
}
