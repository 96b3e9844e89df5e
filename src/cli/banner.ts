import path from 'node:path';
import { REFRESH_COOKIE } from '../auth/cookies';
import { DISCOVERY_PATHS, JWKS_PATH } from '../auth/well-known-routes';
import { providerPathsOf, type ProviderPaths } from '../provider/paths';
import type { ProviderPathPreset } from '../config/server-options';
import type { ThrottlePolicy } from '../throttle/policy';
import type { ApiDescription } from '../access/describe';
import { ANY_ORIGIN } from '../http/origins';
import type { DemoAccount } from '../accounts/account-store';

export interface BannerInput {
  url: string;
  description: ApiDescription;
  usersFile: string;
  /** Accounts whose plain-text password users.json held at this start. */
  demoAccounts: readonly DemoAccount[];
  /** Files written because the db did not exist. */
  created: readonly string[];
  watching: boolean;
  /** --smtp: where every mail is also relayed, as host:port. */
  smtp?: string;
  /** Whether GET / is the playground (no static index.html in its place). */
  playground: boolean;
  /** Where the API reference is (README "OpenAPI and typed clients"): /docs, or /__docs when a resource has that path. */
  docsPath?: string;
  /** Who besides this machine's own pages can reach the server, when a flag opened it. */
  exposure: { everyInterface: boolean; anyHost: boolean; anyOrigin: boolean };
  /** Token lifetimes in seconds, and in --cookie mode how the cookie is set and which pages may use it. */
  tokens?: {
    accessTtlSeconds: number;
    /** --allow-client-ttl: a login may ask for shorter access tokens (README "A shorter lifetime per login"). */
    clientTtl?: boolean;
    refreshTtlSeconds: number;
    sessionTtlSeconds: number;
    cookie?: { sameSite: string; secure: boolean; corsOrigins: readonly string[]; cors: boolean };
  };
  /** The algorithm tokens are signed with, and the kid of the key pair that signs (none with the HS256 secret). */
  signing?: { alg: string; kid?: string; providerPaths?: ProviderPathPreset };
  /** Failed-login throttling in force (README "Rate limits"); {} when off. */
  throttle?: ThrottlePolicy;
  /** --trust: the identity providers whose tokens are accepted too, and the audiences they must name (none: any). */
  trust?: { issuers: readonly string[]; audiences?: readonly string[] };
}

const pad = (text: string, width: number) => text.padEnd(width);
const quoteForShell = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function loginExample(input: BannerInput): string[] {
  const accounts = input.description.accounts;
  // Show a working login: an ordinary demo account, else any demo account, else any account.
  const demo = input.demoAccounts.find((account) => account.role !== 'admin') ?? input.demoAccounts[0];
  if (!demo && accounts.length === 0) {
    const body = JSON.stringify({ email: 'you@example.com', password: 'choose-a-password' });
    return ['  No accounts yet. Register one:', `  curl -X POST ${input.url}/auth/register -H 'Content-Type: application/json' -d ${quoteForShell(body)}`];
  }
  // An account has an email, a username or both (README "Login by username"): the login names the one it has.
  const { email, username } = demo ?? accounts[0];
  const name = email === undefined ? { username } : { email };
  const body = JSON.stringify({ ...name, password: demo ? demo.password : 'YOUR_PASSWORD' });
  return [
    '  Log in, then send the token:',
    `  curl -X POST ${input.url}/auth/login -H 'Content-Type: application/json' -d ${quoteForShell(body)}`,
    `  curl ${input.url}/${input.description.resources[0]?.name ?? 'posts'} -H 'Authorization: Bearer <accessToken>'`,
  ];
}

const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1],
];

/** 3600 → 1h, 604800 → 7d, 90 → 90s: the largest unit that divides it, as --access-ttl reads it. */
function formatDuration(seconds: number): string {
  const [unit, size] = UNITS.find(([, size]) => seconds % size === 0) ?? ['s', 1];
  return `${seconds / size}${unit}`;
}

/** How the refresh token travels, which pages may use the cookie, and how long tokens live. */
function tokenLines(url: string, { tokens }: BannerInput): string[] {
  const refresh = (what: string) => `  POST ${url}/auth/refresh    ${what}   ·   POST /auth/logout, /auth/logout-all`;
  if (!tokens) return [refresh('{ refreshToken }')];
  const shorter = tokens.clientTtl ? ' (a login may ask for less: "expiresIn": "30s")' : '';
  const lifetimes = `  Tokens live: access ${formatDuration(tokens.accessTtlSeconds)}${shorter}, refresh ${formatDuration(tokens.refreshTtlSeconds)} (each refresh gives a new one), session ${formatDuration(tokens.sessionTtlSeconds)} from its login`;
  const { cookie } = tokens;
  if (!cookie) return [refresh('{ refreshToken }'), lifetimes];
  const attributes = ['HttpOnly', 'Path=/auth', `SameSite=${cookie.sameSite}`, ...(cookie.secure ? ['Secure'] : [])].join('; ');
  const pages = cookie.corsOrigins.includes(ANY_ORIGIN)
    ? "any page (--cors-origin '*')"
    : ["this machine's (localhost, 127.0.0.1, [::1], any port)", `this server's own (${url})`, ...cookie.corsOrigins].join(', ');
  return [
    refresh('no body: the cookie carries the refresh token'),
    `  --cookie: the refresh token travels only in the cookie ${REFRESH_COOKIE} (${attributes}), never in a body.`,
    "  Login, register and refresh send Content-Type: application/json; fetch needs credentials: 'include'.",
    `  Pages that may log in and use the cookie: ${pages}${cookie.cors ? '' : ' (--no-cors: pages of other origins cannot read the answers)'}`,
    lifetimes,
  ];
}

const waits = (first: number, longest: number) =>
  first === longest ? `waits ${formatDuration(first)}` : `waits ${formatDuration(first)}, doubling to ${formatDuration(longest)}`;

/** The login limits in force, or that there are none (README "Rate limits"). */
function throttleLines({ throttle }: BannerInput): string[] {
  if (!throttle) return [];
  const { pair, address } = throttle;
  const limits = [
    pair && `${pair.failures} per account and address (${waits(pair.firstWaitMs / 1000, pair.longestWaitMs / 1000)})`,
    address && `${address.failures} per address in ${formatDuration(address.windowMs / 1000)}`,
  ].filter(Boolean);
  if (limits.length === 0) return ['  Failed logins: not limited (--rate-limit off)'];
  return [`  Failed logins: ${limits.join(', ')}; then 429 with Retry-After (--rate-limit off turns it off)`];
}

/** How tokens are signed, and where a service that verifies them finds the public key (README "Publishing"). */
function signingLines(url: string, { signing }: BannerInput): string[] {
  if (!signing) return [];
  if (!signing.kid) return ['', `  Signing    ${signing.alg} (shared secret; no public key to publish, so no OpenID provider: drop --secret for both)`];
  return [
    '',
    `  Signing    ${signing.alg}, key ${signing.kid}`,
    `  JWKS       ${url}${JWKS_PATH}`,
    `  Discovery  ${url}${DISCOVERY_PATHS[0]}`,
    openIdLine(url, providerPathsOf(signing.providerPaths)),
  ];
}

/** The issuer and the endpoints a library is configured with (the preset's, when --provider-paths names one). */
function openIdLine(url: string, paths: ProviderPaths): string {
  const issuer = paths.issuerTrailingSlash ? `${url}/` : url;
  return `  OpenID     issuer ${issuer}: ${url}${paths.authorize} (code flow with PKCE), ${paths.token}, ${paths.userinfo}, ${paths.endSession}`;
}

/** The identity providers whose tokens count too (README "Use your own identity provider"). */
function trustLines({ trust }: BannerInput): string[] {
  if (!trust) return [];
  const audience = trust.audiences
    ? `audience ${trust.audiences.join(' or ')}`
    : 'any audience: tokens for their other APIs count too (--trust-audience <aud> refuses them)';
  const lines = trust.issuers.map((issuer, index) => `  ${index === 0 ? 'Trusted   ' : '          '} ${issuer}, ${audience}`);
  // An external caller is its sub, whoever signed it: any of these issuers can act as the others' users.
  if (trust.issuers.length > 1) lines.push('             A sub (or an email) is one caller whichever of them signs it: trust issuers of the same users only.');
  return lines;
}

/** One warning per flag that opens the server beyond this machine's own pages. */
function exposureLines({ exposure }: BannerInput): string[] {
  const lines: string[] = [];
  if (exposure.everyInterface) lines.push("  Listening on every network interface: other machines can reach this server at this machine's IP addresses.");
  if (exposure.everyInterface && !exposure.anyHost)
    lines.push('  A request by a host name other than localhost is refused unless the name is given with --allowed-host.');
  if (exposure.anyHost) lines.push('  --allowed-host all: requests for any host name are answered (no protection against DNS rebinding).');
  if (exposure.anyOrigin) lines.push("  --cors-origin '*': a page on any website may register, log in and read tokens here.");
  return lines.length > 0 ? [...lines, ''] : [];
}

/** The startup banner (README "Command line"): URL, resources and their rules, auth endpoints, accounts, a login curl. */
export function renderBanner(input: BannerInput): string {
  const { url, description } = input;
  const lines: string[] = ['', `  fake-jwt-api  ·  json-server behind JWT auth  ·  ${url}`, ''];
  lines.push(...exposureLines(input));
  if (input.playground) lines.push(`  Open ${url} in a browser: the playground logs in and sends requests for you.`);
  lines.push(`  API reference: ${url}${input.docsPath ?? '/docs'} (OpenAPI 3.1 at ${url}/openapi.json)`, '');
  if (input.created.length > 0) {
    lines.push(`  Created ${input.created.map((file) => path.relative(process.cwd(), file) || file).join(', ')} with example data.`, '');
  }
  const width = Math.max(...description.resources.map(({ name }) => url.length + name.length + 3), 24);
  const readWidth = Math.max(...description.resources.map(({ read }) => read.length + 3), 16);
  lines.push(`  ${pad('Resources', width)}${pad('read', readWidth)}write`);
  for (const { name, read, write, rule, itemRules } of description.resources) {
    const by = [rule && `by "${rule}"`, itemRules && `some items by ${itemRules.map((key) => `"${key}"`).join(', ')}`].filter(Boolean);
    lines.push(`  ${pad(`${url}/${name}`, width)}${pad(read, readWidth)}${write}${by.length > 0 ? `   (${by.join('; ')})` : ''}`);
  }
  if (description.warnings.length > 0) lines.push('', ...description.warnings.map((warning) => `  Warning: ${warning}`));
  const rewrites = Object.entries(description.rewrites);
  if (rewrites.length > 0) {
    lines.push('', '  Rewrites');
    for (const [from, to] of rewrites) lines.push(`  ${from} -> ${to}`);
  }
  lines.push(
    '',
    '  Auth',
    `  POST ${url}/auth/register   { email, password, ...profile }   (also /register, /signup)`,
    `  POST ${url}/auth/login      { email or username, password }   (also /login, /signin)`,
    `  GET  ${url}/auth/me         Authorization: Bearer <accessToken>`,
    `  POST ${url}/auth/forgot-password  { email }   reset and verification mails go to the outbox: GET /__outbox (admin), or the state folder's outbox/`,
    ...(input.smtp ? [`  Every mail is also relayed to the SMTP server at ${input.smtp} (--smtp).`] : []),
    ...tokenLines(url, input),
    ...throttleLines(input),
    ...signingLines(url, input),
    ...trustLines(input),
    '',
    `  Accounts (${path.relative(process.cwd(), input.usersFile) || input.usersFile})`,
  );
  if (description.accounts.length === 0) lines.push('  none yet');
  for (const { email, username, role } of description.accounts) lines.push(`  ${pad([email, username].filter(Boolean).join(' / '), 32)}${role}`);
  lines.push('', ...loginExample(input), '');
  if (input.watching) lines.push('  Watching for changes...', '');
  lines.push('  Type s + enter to save a snapshot of the data. Ctrl-C stops.', '');
  return lines.join('\n');
}
