/**
 * README "Use it as your OpenID provider": oidc-client-ts, the library most single-page apps sign in with, in Debian's
 * Chromium, from a page on another origin (oidc-client-ts-app/, on localhost; the server is on 127.0.0.1):
 * signinRedirect → the login page, filled as a person would → signinRedirectCallback → a CORS request for an
 * owner-only resource with the access token → a refresh → signoutRedirect, after which the tokens are dead.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, ROOT, SAMPLE_USERS, useCliProject, type CliProcess } from '../support';

const APP = path.join(__dirname, 'oidc-client-ts-app');
const LIBRARY = path.join(ROOT, 'node_modules', 'oidc-client-ts', 'dist', 'browser', 'oidc-client-ts.min.js');
const STEP_TIMEOUT = 30_000;

const alice = SAMPLE_USERS.find((user) => user.email === 'alice@example.com')!;
const NOTES = [
  { id: 1, text: 'alice’s note', userId: alice.id },
  { id: 2, text: 'bob’s note', userId: 3 },
  { id: 3, text: 'alice’s other note', userId: alice.id },
];
const ALICES_NOTES = NOTES.filter((note) => note.userId === alice.id);

const { start } = useCliProject({ 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } });

/** The app's pages, its script, the library's browser bundle (global `oidc`) and config.js naming the provider. */
function serveApp(authority: string): Promise<{ url: string; server: Server }> {
  const files: Record<string, { type: string; body: () => string }> = {
    '/index.html': { type: 'text/html', body: () => readFileSync(path.join(APP, 'index.html'), 'utf8') },
    '/callback.html': { type: 'text/html', body: () => readFileSync(path.join(APP, 'callback.html'), 'utf8') },
    '/app.js': { type: 'text/javascript', body: () => readFileSync(path.join(APP, 'app.js'), 'utf8') },
    '/oidc-client-ts.min.js': { type: 'text/javascript', body: () => readFileSync(LIBRARY, 'utf8') },
    '/config.js': { type: 'text/javascript', body: () => `window.SPA_CONFIG = ${JSON.stringify({ authority })};` },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body());
  });
  // On 127.0.0.1 but opened as http://localhost:<port>: another origin (and another site) than the server's, and
  // a loopback redirect_uri, which the provider accepts from any client_id.
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://localhost:${(server.address() as AddressInfo).port}`, server }));
  });
}

interface AppResult {
  profile: Record<string, unknown>;
  scope: string;
  tokenType: string;
  accessToken: string;
  refreshToken?: string;
  notes: { status: number; body: unknown };
}

/** Waits for the app to finish `step` and returns what it showed; an error the app caught fails with its message. */
async function resultOf<T = AppResult>(page: Page, step: string): Promise<T> {
  const result = page.locator(`#result[data-step="${step}"], #result[data-step="error"]`);
  await result.waitFor({ timeout: STEP_TIMEOUT });
  const shown = JSON.parse((await result.textContent()) ?? '');
  if ((await result.getAttribute('data-step')) === 'error') throw new Error(`the app failed at ${shown.step}: ${shown.error}\n${shown.stack}`);
  return shown;
}

describe('oidc-client-ts in Chromium, on another origin', () => {
  let browser: Browser;
  let app: { url: string; server: Server } | undefined;
  let cli: CliProcess;
  let context: BrowserContext | undefined;
  /** Console errors and page errors: none is allowed. */
  let problems: string[];
  /** The grant_type of each token request the page sent, in order. */
  let grants: string[];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  beforeEach(async () => {
    cli = await start(['db.json']);
    app = await serveApp(cli.url);
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

  /** A fresh browser profile with the app open; closed when the test ends. */
  async function openApp(): Promise<Page> {
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    grants = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === `${cli.url}/auth/token`)
        grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '');
    });
    await page.goto(`${app!.url}/index.html`);
    return page;
  }

  /** Waits for the browser to reach `destination`; failing, says where it stayed and what that page showed. */
  async function landOn(page: Page, destination: string): Promise<void> {
    await page
      .waitForURL((url) => url.href.startsWith(destination))
      .catch(async (error: Error) => {
        throw new Error(`expected ${destination}, still on ${page.url()} showing:\n${await page.locator('body').innerText()}\n${error.message}`);
      });
  }

  /** Sign in → the provider's login page, filled and sent by its autocomplete attributes → back on callback.html. */
  async function signIn(page: Page): Promise<AppResult> {
    await page.click('#sign-in');
    await landOn(page, `${cli.url}/auth/authorize?`);
    await page.fill('input[autocomplete="username"]', alice.email);
    await page.fill('input[autocomplete="current-password"]', alice.password);
    await page.locator('form:has(input[autocomplete="current-password"])').getByRole('button', { name: 'Sign in', exact: true }).click();
    await landOn(page, `${app!.url}/callback.html?`);
    return resultOf(page, 'signed-in');
  }

  /** What the server now says of an access token and of a refresh token: Node's own requests, outside the browser. */
  async function serverSays(tokens: Pick<AppResult, 'accessToken' | 'refreshToken'>) {
    const notes = await fetch(`${cli.url}/notes`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    const refresh = await fetch(`${cli.url}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken!, client_id: 'spa' }),
    });
    const answer = (await refresh.json()) as { error?: string };
    return { notes: notes.status, refresh: { status: refresh.status, error: answer.error } };
  }

  it('signs in with the code flow and PKCE, reads the owner’s records across origins, and refreshes', async () => {
    const page = await openApp();
    const signedIn = await signIn(page);
    expect(signedIn.profile).toMatchObject({ iss: cli.url, aud: 'spa', sub: String(alice.id), email: alice.email, email_verified: true, name: 'Alice' });
    expect(signedIn.tokenType.toLowerCase()).toBe('bearer');
    expect(signedIn.scope.split(' ').sort()).toEqual(['email', 'offline_access', 'openid', 'profile']);
    expect(signedIn.notes).toEqual({ status: 200, body: ALICES_NOTES });

    // signinSilent uses the refresh token when the user has one: the token endpoint's refresh_token grant, by CORS
    // (not a hidden iframe with prompt=none, which the provider session would also let through).
    await page.click('#refresh');
    const refreshed = await resultOf(page, 'refreshed');
    expect(grants).toEqual(['authorization_code', 'refresh_token']);
    expect(refreshed.accessToken).not.toBe(signedIn.accessToken);
    expect(refreshed.refreshToken).not.toBe(signedIn.refreshToken);
    expect(refreshed.profile).toMatchObject({ sub: String(alice.id), email: alice.email });
    expect(refreshed.notes).toEqual({ status: 200, body: ALICES_NOTES });
    expect(problems).toEqual([]);
  });

  it('signs out through the end-session endpoint: back on the app, its tokens dead, the next sign-in asks again', async () => {
    const page = await openApp();
    const signedIn = await signIn(page);
    expect(signedIn.notes.status).toBe(200);

    // RP-Initiated Logout as the library sends it: id_token_hint, post_logout_redirect_uri and state.
    await page.click('#sign-out');
    await landOn(page, `${app!.url}/index.html?`);
    expect(await resultOf(page, 'signed-out')).toEqual({ state: 'signed-out', user: null });
    expect(await serverSays(signedIn)).toEqual({ notes: 401, refresh: { status: 400, error: 'invalid_grant' } });

    // The provider session ended too: the login form again, not a silent redirect back with a code.
    await page.click('#sign-in');
    await landOn(page, `${cli.url}/auth/authorize?`);
    await page.locator('input[autocomplete="current-password"]').waitFor();
    expect(problems).toEqual([]);
  });
});
