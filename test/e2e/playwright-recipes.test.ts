/**
 * README "Use it as your OpenID provider", "Playwright: every test starts signed in": the two recipes of
 * examples/playwright/ run against the command line, and Chromium opens the app already signed in, its pages never
 * having loaded the provider's login page (/auth/authorize) nor the app's login (/auth/login).
 * a) password-login.setup.ts: POST /auth/login over HTTP → a storage state with the token in the app's localStorage.
 * b) oidc-signed-in.ts: the code flow over HTTP → the provider's sign-in cookie, and oidc-client-ts's User put in
 *    sessionStorage by an init script; the app is test/e2e/oidc-client-ts-app, on another origin.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, ROOT, SAMPLE_USERS, useCliProject, type CliProcess } from '../support';

// The recipes import from @playwright/test (a devDependency, so that `npm test`'s tsc checks them: tsconfig.json
// includes examples/), whose runner cannot run inside Jest; its request and browser APIs are playwright-core's.
// test.extend gives back the fixtures it is handed, so that this test runs them as Playwright's runner would.
jest.mock('@playwright/test', () => ({ ...jest.requireActual('playwright-core'), test: { extend: (fixtures: unknown) => ({ fixtures }) } }));

interface OidcAccount {
  authority: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  email: string;
  password: string;
}
interface Recipes {
  saveSignedInState(options: { api: string; app: string; email: string; password: string; file: string }): Promise<void>;
  startSignedIn(context: BrowserContext, account: OidcAccount): Promise<{ access_token: string }>;
  test: { fixtures: { context(fixtures: { context: BrowserContext; account: OidcAccount }, use: (context: BrowserContext) => Promise<void>): Promise<void> } };
}
// The user's files, loaded as they are.
const EXAMPLES = path.join(ROOT, 'examples', 'playwright');
const loadRecipe = (file: string): Promise<Partial<Recipes>> => import(path.join(EXAMPLES, file));

const OIDC_APP = path.join(__dirname, 'oidc-client-ts-app');
const LIBRARY = path.join(ROOT, 'node_modules', 'oidc-client-ts', 'dist', 'browser', 'oidc-client-ts.min.js');
const STEP_TIMEOUT = 30_000;

const alice = SAMPLE_USERS.find((user) => user.email === 'alice@example.com')!;
const NOTES = [
  { id: 1, text: 'alice’s note', userId: alice.id },
  { id: 2, text: 'bob’s note', userId: 3 },
];
const ALICES_NOTES = NOTES.filter((note) => note.userId === alice.id);

/** Recipe a's app: at start it reads the token its login kept in localStorage, and shows who it is and their notes. */
const PASSWORD_APP = `<!doctype html>
<meta charset="utf-8"><title>Notes</title><link rel="icon" href="data:,">
<script src="/config.js"></script>
<pre id="result"></pre>
<script>
  (async () => {
    const token = localStorage.getItem('accessToken');
    const get = async (path) => {
      const response = await fetch(new URL(path, SPA_CONFIG.authority), { headers: token ? { Authorization: 'Bearer ' + token } : {} });
      return { status: response.status, body: await response.json() };
    };
    const result = document.getElementById('result');
    result.textContent = JSON.stringify({ me: await get('/auth/me'), notes: await get('/notes') });
    result.dataset.step = 'started';
  })();
</script>`;

/** Recipe b's app at start: oidc-client-ts-app's script, then, as an app does on load, the user the library keeps. */
const OIDC_HOME = `<!doctype html>
<meta charset="utf-8"><title>Home</title><link rel="icon" href="data:,">
<script src="/config.js"></script>
<script src="/oidc-client-ts.min.js"></script>
<script src="/app.js" defer></script>
<script src="/home.js" defer></script>
<button id="refresh" type="button">Refresh the tokens</button>
<pre id="result"></pre>`;
const OIDC_HOME_SCRIPT = `run('started', async () => { const user = await userManager.getUser(); return user ? describeUser(user) : { user: null }; });`;

const { project, start } = useCliProject({ 'db.json': { notes: NOTES }, 'users.json': SAMPLE_USERS, 'routes.json': { '/notes': { '*': 'owner' } } });

/** Both apps on http://localhost:<port>: another origin (and site) than the server's 127.0.0.1. */
function serveApps(authority: string): Promise<{ url: string; server: Server }> {
  const appFile = (name: string) => () => readFileSync(path.join(OIDC_APP, name), 'utf8');
  const files: Record<string, { type: string; body: () => string }> = {
    '/notes.html': { type: 'text/html', body: () => PASSWORD_APP },
    '/home.html': { type: 'text/html', body: () => OIDC_HOME },
    '/home.js': { type: 'text/javascript', body: () => OIDC_HOME_SCRIPT },
    '/index.html': { type: 'text/html', body: appFile('index.html') },
    '/callback.html': { type: 'text/html', body: appFile('callback.html') },
    '/app.js': { type: 'text/javascript', body: appFile('app.js') },
    '/oidc-client-ts.min.js': { type: 'text/javascript', body: () => readFileSync(LIBRARY, 'utf8') },
    '/config.js': { type: 'text/javascript', body: () => `window.SPA_CONFIG = ${JSON.stringify({ authority })};` },
  };
  const server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://localhost').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8`, 'cache-control': 'no-store' }).end(file.body());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://localhost:${(server.address() as AddressInfo).port}`, server }));
  });
}

/** What the app showed once `step` was done; an error the app caught fails with its message. */
async function resultOf(page: Page, step: string): Promise<any> {
  const result = page.locator(`#result[data-step="${step}"], #result[data-step="error"]`);
  await result.waitFor({ timeout: STEP_TIMEOUT });
  const shown = JSON.parse((await result.textContent()) ?? '');
  if ((await result.getAttribute('data-step')) === 'error') throw new Error(`the app failed at ${shown.step}: ${shown.error}`);
  return shown;
}

const logOut = (url: string, accessToken: string) => fetch(`${url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });

describe('Playwright recipes: every test starts signed in', () => {
  let browser: Browser;
  let cli: CliProcess;
  let app: { url: string; server: Server } | undefined;
  let context: BrowserContext | undefined;
  /** Every URL the pages requested, navigations and fetches alike. */
  let requested: string[];

  let recipes: Recipes;

  beforeAll(async () => {
    recipes = { ...(await loadRecipe('password-login.setup.ts')), ...(await loadRecipe('oidc-signed-in.ts')) } as Recipes;
    browser = await launchChromium();
  });
  beforeEach(async () => {
    cli = await start(['db.json']);
    app = await serveApps(cli.url);
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

  async function newContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    context = await browser.newContext(options);
    context.setDefaultTimeout(STEP_TIMEOUT);
    requested = [];
    context.on('request', (request) => requested.push(request.url()));
    return context;
  }

  const signInUrls = () => requested.filter((url) => url.includes('/auth/authorize') || url.includes('/auth/login'));

  describe('a) password login, storage state in localStorage', () => {
    async function openNotesApp(email: string, password: string) {
      const file = project.file('playwright/.auth/user.json');
      await recipes.saveSignedInState({ api: cli.url, app: app!.url, email, password, file });
      const state = JSON.parse(readFileSync(file, 'utf8'));
      const page = await (await newContext({ storageState: file })).newPage();
      return { state, page };
    }

    it('opens the app signed in: the token from the global setup, no login in the page', async () => {
      const { page } = await openNotesApp(alice.email, alice.password);
      await page.goto(`${app!.url}/notes.html`);
      const shown = await resultOf(page, 'started');
      expect(shown.me).toMatchObject({ status: 200, body: { id: alice.id, email: alice.email } });
      expect(shown.notes).toEqual({ status: 200, body: ALICES_NOTES });
      expect(requested).toContain(`${cli.url}/notes`);
      expect(signInUrls()).toEqual([]);
    });

    it('a storage state whose session was logged out opens the app signed out: the API refuses its token', async () => {
      const { state, page } = await openNotesApp(alice.email, alice.password);
      const accessToken = state.origins[0].localStorage.find((entry: { name: string }) => entry.name === 'accessToken').value;
      expect((await logOut(cli.url, accessToken)).status).toBe(204);
      await page.goto(`${app!.url}/notes.html`);
      const shown = await resultOf(page, 'started');
      expect(shown.me).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
      expect(shown.notes.status).toBe(401);
    });
  });

  describe('b) oidc-client-ts, signed in over HTTP', () => {
    const account = () => ({
      authority: cli.url, // as oidc-client-ts-app's UserManager writes it: the storage key is made of it
      clientId: 'spa',
      redirectUri: `${app!.url}/callback.html`,
      scope: 'openid profile email offline_access',
      email: alice.email,
      password: alice.password,
    });

    /** The recipe's fixture, run as Playwright runs it before a test; the test body is `use`. */
    async function withSignedInContext(body: (context: BrowserContext) => Promise<void>) {
      await recipes.test.fixtures.context({ context: await newContext(), account: account() }, body);
    }

    it('opens the app signed in, reads the owner’s notes and refreshes, without loading the login page', async () => {
      await withSignedInContext(async (context) => {
        expect((await context.cookies(`${cli.url}/auth/authorize`)).map((cookie) => cookie.name)).toContain('fake_jwt_api_op');
        const page = await context.newPage();
        await page.goto(`${app!.url}/home.html`);
        const shown = await resultOf(page, 'started');
        expect(shown.profile).toMatchObject({ iss: cli.url, aud: 'spa', sub: String(alice.id), email: alice.email });
        expect(shown.notes).toEqual({ status: 200, body: ALICES_NOTES });

        // signinSilent: the refresh_token grant with the refresh token the recipe stored.
        await page.click('#refresh');
        const refreshed = await resultOf(page, 'refreshed');
        expect(refreshed.accessToken).not.toBe(shown.accessToken);
        expect(refreshed.notes).toEqual({ status: 200, body: ALICES_NOTES });
        expect(requested).toContain(`${cli.url}/auth/token`);
        expect(signInUrls()).toEqual([]);
      });
    });

    it('the provider’s sign-in came along: Sign in goes through without the login form', async () => {
      await withSignedInContext(async (context) => {
        const page = await context.newPage();
        await page.goto(`${app!.url}/index.html`);
        await page.click('#sign-in');
        expect((await resultOf(page, 'signed-in')).notes).toEqual({ status: 200, body: ALICES_NOTES });
        expect(requested.filter((url) => url.startsWith(`${cli.url}/auth/authorize`))).toHaveLength(1); // the redirect, not a form post
      });
    });

    it('a sign-in whose session was logged out opens the app signed out: the API refuses its token', async () => {
      const context = await newContext();
      const user = await recipes.startSignedIn(context, account());
      expect((await logOut(cli.url, user.access_token)).status).toBe(204);
      const page = await context.newPage();
      await page.goto(`${app!.url}/home.html`);
      const shown = await resultOf(page, 'started');
      expect(shown.accessToken).toBe(user.access_token);
      expect(shown.notes).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
      expect(signInUrls()).toEqual([]);
    });
  });
});

describe('the README', () => {
  it('quotes both recipe files whole, as they are here', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const file of ['password-login.setup.ts', 'oidc-signed-in.ts']) {
      const text = readFileSync(path.join(EXAMPLES, file), 'utf8').trimEnd();
      expect(readme).toContain(`<summary><code>${file}</code></summary>\n\n\`\`\`ts\n${text}\n\`\`\``);
    }
  });
});
