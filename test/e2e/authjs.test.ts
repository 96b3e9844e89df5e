/**
 * README "Use it as your OpenID provider", Auth.js (NextAuth): @auth/core's OIDC provider, in an app of its own
 * (authjs-app.mjs, a child process: the package is ESM-only), signs a user in against the built command line, as a
 * confidential client of the config file's `clients` list. Chromium plays the user: the app's sign-in page → the
 * provider's button → our login page → back on the app, signed in. A wrong client secret never gives a session.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort, launchChromium, SAMPLE_LOGINS, SAMPLE_USERS, useCleanup, useCliProject, type CliProcess } from '../support';

const APP = path.join(__dirname, 'authjs-app.mjs');
const CLIENT = { id: 'authjs-app', name: 'Auth.js Test App', secret: 'a-long-random-string-for-the-authjs-app' };
const STEP_TIMEOUT = 30_000;
const alice = SAMPLE_LOGINS.alice;

const { project, start } = useCliProject({ 'db.json': { notes: [] }, 'users.json': SAMPLE_USERS });
const track = useCleanup();

interface RunningApp {
  url: string;
  cli: CliProcess;
  /** What the app printed on stderr: Auth.js logs its errors there. */
  log(): string;
}

/** Stops the app's process, if it still runs, and waits for it to exit. */
function stopProcess(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  return exited;
}

/** Registers the app as a client of the server, starts the server, then the app with `clientSecret` in its config. */
async function startApp(clientSecret: string): Promise<RunningApp> {
  const port = await freePort();
  const url = `http://localhost:${port}`;
  project.write('json-server.json', { clients: [{ ...CLIENT, redirectUris: [`${url}/auth/callback/fake-jwt-api`] }] });
  const cli = await start(['db.json']);
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [APP, String(port), cli.url, CLIENT.id, clientSecret]);
  track({ close: () => stopProcess(child) });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`the Auth.js app exited with ${code}:\n${stderr}`)));
  });
  return { url, cli, log: () => stderr };
}

describe('Auth.js (@auth/core) with fake-jwt-api as its OpenID provider', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * Waits for the browser to reach `destination` (a URL that starts so, or only that URL when `exact`); failing, says
   * where it stayed and what that page showed.
   */
  async function landOn(page: Page, destination: string, { exact = false } = {}): Promise<void> {
    await page
      .waitForURL((url) => (exact ? url.href === destination : url.href.startsWith(destination)))
      .catch(async (error: Error) => {
        throw new Error(`expected ${destination}, still on ${page.url()} showing:\n${await page.locator('body').innerText()}\n${error.message}`);
      });
  }

  /**
   * A fresh browser on the app's home page: Sign in → Auth.js's sign-in page → its fake-jwt-api button → our login
   * page, filled as a person would. Returns the page, wherever the provider then sent it, and the authorization
   * request Auth.js sent the browser with.
   */
  async function signIn(app: RunningApp): Promise<{ page: Page; authorization: URLSearchParams }> {
    context = await browser.newContext();
    context.setDefaultTimeout(STEP_TIMEOUT);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT);
    const page = await context.newPage();
    await page.goto(app.url);
    expect(await page.locator('#who').innerText()).toBe('Not signed in');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await landOn(page, `${app.url}/auth/signin`);
    await page.getByRole('button', { name: 'Sign in with fake-jwt-api' }).click();
    await landOn(page, `${app.cli.url}/auth/authorize?`);
    const authorization = new URL(page.url()).searchParams;
    expect(await page.locator('body').innerText()).toContain(CLIENT.name);
    await page.fill('input[autocomplete="username"]', alice.email);
    await page.fill('input[autocomplete="current-password"]', alice.password);
    await page.locator('form:has(input[autocomplete="current-password"])').getByRole('button', { name: 'Sign in', exact: true }).click();
    return { page, authorization };
  }

  /** Auth.js's session endpoint, read in the browser with the app's cookies: null when no one is signed in. */
  async function sessionOf(page: Page, app: RunningApp): Promise<unknown> {
    const response = await page.goto(`${app.url}/auth/session`);
    return response!.json();
  }

  it('signs alice in with the code flow, PKCE and its client secret: the app shows her, its session holds her email and name', async () => {
    const app = await startApp(CLIENT.secret);
    const { page, authorization } = await signIn(app);

    await landOn(page, `${app.url}/`, { exact: true });
    expect(await page.locator('#who').innerText()).toBe('Signed in as Alice (alice@example.com)');
    expect(await sessionOf(page, app)).toEqual({ user: { name: 'Alice', email: alice.email }, expires: expect.any(String) });
    // What Auth.js asked for, by default: the code flow with PKCE (S256), its own scope, no state and no nonce.
    expect(Object.fromEntries(authorization)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: `${app.url}/auth/callback/fake-jwt-api`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
    });
    expect(app.log()).not.toMatch(/\[auth\]\[error\]/);
  });

  it('with a wrong client secret in the app: the token endpoint refuses it, Auth.js shows its error page, and no session', async () => {
    const app = await startApp('not-the-secret');
    const { page } = await signIn(app);

    await landOn(page, `${app.url}/auth/error?error=Configuration`);
    expect(await page.locator('body').innerText()).toContain('There is a problem with the server configuration.');
    // The token endpoint's 401 and its `WWW-Authenticate: Basic` challenge (invalid_client), as Auth.js logs it.
    expect(app.log()).toMatch(/WWWAuthenticateChallengeError[\s\S]*"scheme": "basic"/);
    expect(await sessionOf(page, app)).toBeNull();
    await page.goto(app.url);
    expect(await page.locator('#who').innerText()).toBe('Not signed in');
  });
});
