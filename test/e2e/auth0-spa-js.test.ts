/**
 * README "Use it as your OpenID provider" → "@auth0/auth0-spa-js": Auth0's own SPA SDK, unchanged, in Debian's
 * Chromium, against the server started with --provider-paths auth0 (its hard-coded /authorize, /oauth/token and
 * /v2/logout, and an issuer ending in `/`). The app (auth0-spa-js-app/) is on 127.0.0.1 too, on another port: another
 * origin, the same site, as a dev server on localhost:5173 is to the API on localhost:3000 — which lets the
 * provider's sign-in cookie reach the SDK's hidden iframe (response_mode=web_message).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, ROOT, SAMPLE_USERS, useCliProject, type CliProcess } from '../support';

const APP = path.join(__dirname, 'auth0-spa-js-app');
const LIBRARY = path.join(ROOT, 'node_modules', '@auth0', 'auth0-spa-js', 'dist', 'auth0-spa-js.production.js');
const STEP_TIMEOUT = 30_000;

const alice = SAMPLE_USERS.find((user) => user.email === 'alice@example.com')!;
const NOTES = [
  { id: 1, text: 'alice’s note', userId: alice.id },
  { id: 2, text: 'bob’s note', userId: 3 },
];
const ALICES_NOTES = NOTES.filter((note) => note.userId === alice.id);

const { start } = useCliProject({ 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } });

interface Shown {
  isAuthenticated: boolean;
  user?: Record<string, unknown>;
  iss?: string;
  accessToken?: string;
  idToken?: string;
  notes?: { status: number; body: unknown };
}

/** The app's page and script, the SDK's browser bundle (global `auth0`), and config.js naming the server. */
function serveApp(domain: string, useRefreshTokens: boolean): Promise<{ url: string; server: Server }> {
  const files: Record<string, { type: string; body: () => string }> = {
    '/index.html': { type: 'text/html', body: () => readFileSync(path.join(APP, 'index.html'), 'utf8') },
    '/app.js': { type: 'text/javascript', body: () => readFileSync(path.join(APP, 'app.js'), 'utf8') },
    '/auth0-spa-js.production.js': { type: 'text/javascript', body: () => readFileSync(LIBRARY, 'utf8') },
    '/config.js': { type: 'text/javascript', body: () => `window.SPA_CONFIG = ${JSON.stringify({ domain, useRefreshTokens })};` },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

async function resultOf(page: Page, step: string): Promise<Shown> {
  const result = page.locator(`#result[data-step="${step}"], #result[data-step="error"]`);
  await result.waitFor({ timeout: STEP_TIMEOUT });
  const shown = JSON.parse((await result.textContent()) ?? '');
  if ((await result.getAttribute('data-step')) === 'error') throw new Error(`the app failed at ${shown.step}: ${shown.error}\n${shown.stack}`);
  return shown;
}

describe('@auth0/auth0-spa-js in Chromium, against --provider-paths auth0', () => {
  let browser: Browser;
  let app: { url: string; server: Server } | undefined;
  let cli: CliProcess;
  let context: BrowserContext | undefined;
  let problems: string[];
  /** What the page asked the server for: method, path and the parameters that tell the flows apart. */
  let calls: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    const server = app?.server;
    app = undefined;
    if (!server) return;
    const closed = new Promise((done) => server.close(done));
    server.closeAllConnections();
    await closed;
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function openApp(useRefreshTokens: boolean): Promise<Page> {
    cli = await start(['db.json', '--provider-paths', 'auth0']);
    app = await serveApp(cli.url, useRefreshTokens);
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    calls = [];
    // Requests of the page and of its frames (the SDK's hidden iframe), to the server only.
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (url.origin !== cli.url || url.pathname === '/notes') return;
      const body = new URLSearchParams(request.postData() ?? '');
      const detail = url.searchParams.get('response_mode') ?? url.searchParams.get('prompt') ?? body.get('grant_type') ?? '';
      calls.push(`${request.method()} ${url.pathname}${detail ? ` ${detail}` : ''}`);
    });
    await page.goto(`${app.url}/index.html`);
    expect((await resultOf(page, 'loaded')).isAuthenticated).toBe(false);
    return page;
  }

  async function landOn(page: Page, destination: string): Promise<void> {
    await page
      .waitForURL((url) => url.href.startsWith(destination))
      .catch(async (error: Error) => {
        throw new Error(`expected ${destination}, still on ${page.url()} showing:\n${await page.locator('body').innerText()}\n${error.message}`);
      });
  }

  async function signIn(page: Page): Promise<Shown> {
    await page.click('#sign-in');
    await landOn(page, `${cli.url}/authorize?`);
    await page.fill('input[autocomplete="username"]', alice.email);
    await page.fill('input[autocomplete="current-password"]', alice.password);
    await page.locator('form:has(input[autocomplete="current-password"])').getByRole('button', { name: 'Sign in', exact: true }).click();
    return resultOf(page, 'signed-in');
  }

  it('signs in by redirect, reads the owner’s records, and after a reload signs in silently in its hidden iframe', async () => {
    const page = await openApp(false);
    const signedIn = await signIn(page);
    // The SDK checked the ID token itself: RS256, iss `<domain>/`, aud, nonce.
    expect(signedIn).toMatchObject({ isAuthenticated: true, iss: `${cli.url}/`, user: { sub: String(alice.id), email: alice.email, name: 'Alice' } });
    expect(signedIn.notes).toEqual({ status: 200, body: ALICES_NOTES });
    expect(calls).toEqual(['GET /authorize query', 'POST /auth/authorize', 'POST /oauth/token authorization_code']);

    // The tokens lived in memory only (the SDK's default): a reload finds them again through the provider's
    // sign-in cookie, in an iframe that gets its answer by postMessage.
    calls = [];
    await page.reload();
    const reloaded = await resultOf(page, 'loaded');
    expect(reloaded).toMatchObject({ isAuthenticated: true, user: { email: alice.email }, notes: { status: 200, body: ALICES_NOTES } });
    expect(reloaded.accessToken).not.toBe(signedIn.accessToken);
    expect(calls).toEqual(['GET /authorize web_message', 'POST /oauth/token authorization_code']);
    expect(problems).toEqual([]);
  });

  it('with useRefreshTokens, gets fresh tokens at /oauth/token; signing out at /v2/logout asks first, ends the session, and the next sign-in asks again', async () => {
    const page = await openApp(true);
    const signedIn = await signIn(page);
    expect(signedIn.notes?.status).toBe(200);

    calls = [];
    await page.click('#token');
    const fresh = await resultOf(page, 'token');
    expect(calls).toEqual(['POST /oauth/token refresh_token']);
    expect(fresh.accessToken).not.toBe(signedIn.accessToken);
    expect(fresh.notes).toEqual({ status: 200, body: ALICES_NOTES });

    // The SDK sends client_id and returnTo, no id_token_hint: the person confirms, and lands back on the app.
    await page.click('#sign-out');
    await landOn(page, `${cli.url}/v2/logout?`);
    await page.getByRole('button', { name: /sign out/i }).click();
    await landOn(page, `${app!.url}/index.html`);
    expect((await resultOf(page, 'loaded')).isAuthenticated).toBe(false);
    // The sign-out ended the app's session, not only the SDK's memory of it: its access token is dead.
    expect((await fetch(`${cli.url}/notes`, { headers: { authorization: `Bearer ${fresh.accessToken}` } })).status).toBe(401);

    await page.click('#sign-in');
    await landOn(page, `${cli.url}/authorize?`);
    await page.locator('input[autocomplete="current-password"]').waitFor();
    expect(problems).toEqual([]);
  });
});
