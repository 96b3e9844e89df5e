import path from 'node:path';
import type { ApiDescription } from '../describe';
import type { DemoAccount } from '../store/account-store';

export interface BannerInput {
  url: string;
  description: ApiDescription;
  usersFile: string;
  /** Accounts whose plain-text password users.json held at this start. */
  demoAccounts: readonly DemoAccount[];
  /** Files written because the db did not exist. */
  created: readonly string[];
  watching: boolean;
  /** Whether GET / is the playground (no static index.html in its place). */
  playground: boolean;
  /** Who besides this machine's own pages can reach the server, when a flag opened it. */
  exposure: { everyInterface: boolean; anyHost: boolean; anyOrigin: boolean };
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
  const body = JSON.stringify(demo ? { email: demo.email, password: demo.password } : { email: accounts[0].email, password: 'YOUR_PASSWORD' });
  return [
    '  Log in, then send the token:',
    `  curl -X POST ${input.url}/auth/login -H 'Content-Type: application/json' -d ${quoteForShell(body)}`,
    `  curl ${input.url}/${input.description.resources[0]?.name ?? 'posts'} -H 'Authorization: Bearer <accessToken>'`,
  ];
}

/** One warning per flag that opens the server beyond this machine's own pages. */
function exposureLines({ exposure }: BannerInput): string[] {
  const lines: string[] = [];
  if (exposure.everyInterface) lines.push("  Listening on every network interface: other machines can reach this server at this machine's IP addresses.");
  if (exposure.everyInterface && !exposure.anyHost) lines.push('  A request by a host name other than localhost is refused unless the name is given with --allowed-host.');
  if (exposure.anyHost) lines.push('  --allowed-host all: requests for any host name are answered (no protection against DNS rebinding).');
  if (exposure.anyOrigin) lines.push("  --cors-origin '*': a page on any website may register, log in and read tokens here.");
  return lines.length > 0 ? [...lines, ''] : [];
}

/** The startup banner of SPEC §4: URL, resources and their rules, auth endpoints, accounts, a login curl. */
export function renderBanner(input: BannerInput): string {
  const { url, description } = input;
  const lines: string[] = ['', `  fake-jwt-api  ·  json-server behind JWT auth  ·  ${url}`, ''];
  lines.push(...exposureLines(input));
  if (input.playground) lines.push(`  Open ${url} in a browser: the playground logs in and sends requests for you.`, '');
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
    `  POST ${url}/auth/login      { email, password }               (also /login, /signin)`,
    `  GET  ${url}/auth/me         Authorization: Bearer <accessToken>`,
    `  POST ${url}/auth/refresh    { refreshToken }   ·   POST /auth/logout, /auth/logout-all`,
    '',
    `  Accounts (${path.relative(process.cwd(), input.usersFile) || input.usersFile})`,
  );
  if (description.accounts.length === 0) lines.push('  none yet');
  for (const { email, role } of description.accounts) lines.push(`  ${pad(email, 32)}${role}`);
  lines.push('', ...loginExample(input), '');
  if (input.watching) lines.push('  Watching for changes...', '');
  lines.push('  Type s + enter to save a snapshot of the data. Ctrl-C stops.', '');
  return lines.join('\n');
}
