import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { makeProject, ROOT, runCli, startCli, type CliProcess, type Project } from './helpers';

// The playground as a person uses it: the real command line serving `init`'s starter files, and Debian's
// chromium driven by playwright-core, clicking and typing. Screenshots land in test-output/.
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
  (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
);
const SCREENSHOTS = path.join(ROOT, 'test-output');
// Chrome reports every 4xx fetch on the console; those are the point of the page, not problems.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (400|401|403)/;

interface Playground {
  page: Page;
  /** Console errors, page errors and requests that left the server's origin: none is allowed. */
  problems: string[];
  project: Project;
}

describe('the playground at GET /, in headless chromium', () => {
  let browser: Browser;
  const open: Array<{ context: BrowserContext; server: CliProcess; project: Project }> = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('The browser test needs Chromium: apt-get install chromium (Debian), or set CHROMIUM_PATH to a Chrome or Chromium');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterEach(async () => {
    for (const { context, server, project } of open.splice(0)) {
      await context.close();
      await server.stop();
      project.cleanup();
    }
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** `fake-jwt-api init` in a fresh folder, the server on it, and the page opened. */
  async function openPlayground(flags: string[] = []): Promise<Playground> {
    const project = makeProject({});
    expect((await runCli(['init', '.'], project.dir)).code).toBe(0);
    const server = await startCli(['db.json', ...flags], project.dir);
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    open.push({ context, server, project });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) problems.push(`left the server: ${request.url()}`);
    });
    await page.goto(server.url);
    return { page, problems, project };
  }

  const who = (page: Page) => page.locator('#who');
  const status = (page: Page) => page.locator('#response-status');
  const responseBody = async (page: Page) => page.locator('#response-body').textContent();

  /** Does something on the page and waits until its response is on show (each one is numbered, #1, #2...). */
  async function act(page: Page, action: () => Promise<void>): Promise<void> {
    const number = page.locator('#response-number');
    const before = Number((await number.textContent())?.slice(1) || 0);
    await action();
    await expectText(number, new RegExp(`^#${before + 1}$`));
  }

  const click = (page: Page, name: string) => act(page, () => page.getByRole('button', { name, exact: true }).click());

  /** A demo account's Use button fills in its email; its password is typed, as the page never receives one. */
  async function logInAs(page: Page, email: string, password: string): Promise<void> {
    await page.getByRole('button', { name: `Use ${email}` }).click();
    const login = page.getByRole('region', { name: 'Log in' });
    expect(await login.getByLabel('Email').inputValue()).toBe(email);
    await login.getByLabel('Password').fill(password);
    await act(page, () => login.getByRole('button', { name: 'Log in', exact: true }).click());
  }

  async function sendRequest(page: Page, method: string, requestPath: string, body = ''): Promise<void> {
    const box = page.getByRole('region', { name: 'Request' });
    await box.getByLabel('Method').selectOption(method);
    await box.getByLabel('Path').fill(requestPath);
    await box.getByLabel('Body').fill(body);
    await act(page, () => box.getByRole('button', { name: 'Send' }).click());
  }

  /** Waits for the element's text to match, as a person would look again; fails saying what it shows instead. */
  async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    let shown = await locator.textContent();
    while (!pattern.test(shown ?? '') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await locator.textContent();
    }
    expect(shown).toMatch(pattern);
  }

  it('registers, logs in, reads a protected resource, meets a rule, refreshes and logs out', async () => {
    const { page, problems, project } = await openPlayground();
    expect(await page.title()).toBe('fake-jwt-api playground');
    // The resources with their rules, from the starter routes.json.
    const posts = page.getByRole('row', { name: /^\/posts / });
    expect(await posts.textContent()).toContain('public');
    expect(await page.getByRole('row', { name: /^\/profile / }).textContent()).toMatch(/authenticated.*admin/);

    // Register: signed in at once, the token decoded, and its countdown running.
    const register = page.getByRole('region', { name: 'Register' });
    await register.getByLabel('Email').fill('carol@example.com');
    await register.getByLabel('Password').fill('carol-pass-1');
    await register.getByLabel('Name').fill('Carol');
    await act(page, () => register.getByRole('button', { name: 'Register' }).click());
    await expectText(who(page), /^Signed in as carol@example\.com \(user, id 3\)$/);
    expect(await page.locator('#token-claims').textContent()).toContain('"email": "carol@example.com"');
    expect(await responseBody(page)).toContain('"name": "Carol"');
    expect(await page.locator('#token-header').textContent()).toContain('"typ": "at+jwt"');
    const countdown = page.locator('#countdown');
    const before = await countdown.textContent();
    expect(before).toMatch(/^Expires in (60:00|59:[0-5]\d) /);
    // Live: it ticks every second.
    await expectText(countdown, new RegExp(`^(?!${before!.replace(/[()]/g, '\\$&')}$)`));

    // Log out, then log in with a demo account (the starter users.json has their passwords in plain text).
    await click(page, 'Log out');
    await expectText(who(page), /^Signed out/);
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(who(page), /^Signed in as alice@example\.com \(user, id 2\)$/);

    // A protected resource: 200 with the token, 401 without.
    await click(page, '/profile');
    await expectText(status(page), /^200 OK$/);
    expect(await responseBody(page)).toContain('"name": "typicode"');
    await page.getByLabel('Send the access token').uncheck();
    await sendRequest(page, 'GET', '/profile');
    await expectText(status(page), /^401 Unauthorized$/);
    await page.getByLabel('Send the access token').check();

    // A rule: /profile is written by admins only. The 403 is shown, and nothing changed on disk.
    const dbBefore = project.read('db.json');
    await sendRequest(page, 'PUT', '/profile', '{ "name": "Alice was here" }');
    await expectText(status(page), /^403 Forbidden$/);
    expect(await responseBody(page)).toContain('"error": "forbidden"');
    expect(project.read('db.json')).toBe(dbBefore);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'playground.png'), fullPage: true });

    // Data from the API is shown as text, never run: a post whose title is markup stays a string.
    await sendRequest(page, 'POST', '/posts', JSON.stringify({ title: '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>' }));
    await expectText(status(page), /^201 Created$/);
    expect(await responseBody(page)).toContain('<img src=x');
    expect(await page.evaluate('window.pwned')).toBeUndefined();

    // Refresh: a new access token for the same session.
    const tokenBefore = await page.locator('#token-raw').textContent();
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await expectText(status(page), /^200 OK$/);
    expect(await page.locator('#token-raw').textContent()).not.toBe(tokenBefore);
    await expectText(who(page), /^Signed in as alice@example\.com/);

    // Log out: the page keeps the token to show the server now refuses it.
    await click(page, 'Log out');
    await expectText(status(page), /^204 No Content$/);
    await expectText(who(page), /^Signed out \(logged out/);
    await sendRequest(page, 'GET', '/profile');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await responseBody(page)).toContain('the session has ended');

    expect(problems).toEqual([]);
  });

  it('shows a token expire, the server refuse it, and a refresh bring the session back', async () => {
    const { page, problems } = await openPlayground(['--access-ttl', '3s']);
    await logInAs(page, 'admin@example.com', 'admin123');
    await expectText(who(page), /^Signed in as admin@example\.com \(admin, id 1\)$/);
    // The server allows a second of clock skew: wait until the token is surely dead.
    await expectText(page.locator('#countdown'), /^Expired 0:0[2-9] /);
    await sendRequest(page, 'GET', '/db');
    await expectText(status(page), /^401 Unauthorized$/);
    expect(await responseBody(page)).toContain('expired');
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await sendRequest(page, 'GET', '/db');
    await expectText(status(page), /^200 OK$/);
    expect(problems).toEqual([]);
  });

  it('refreshes through the HttpOnly cookie in --cookie mode', async () => {
    const { page, problems } = await openPlayground(['--cookie']);
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectText(who(page), /^Signed in as alice@example\.com/);
    expect(await responseBody(page)).not.toContain('refreshToken');
    await click(page, 'Refresh');
    await expectText(page.locator('#response-request'), /^POST \/auth\/refresh/);
    await expectText(status(page), /^200 OK$/);
    await click(page, 'Log out');
    await expectText(status(page), /^204 No Content$/);
    expect(await page.getByRole('button', { name: 'Refresh' }).isDisabled()).toBe(true);
    // The cookie went with the session: a refresh sent now (as a second tab would) has nothing to refresh with.
    await sendRequest(page, 'POST', '/auth/refresh', '{}');
    await expectText(status(page), /^400 Bad Request$/);
    expect(await responseBody(page)).toContain('"error": "invalid_request"');
    expect(problems).toEqual([]);
  });

  it('never sends the token to another origin from the request box', async () => {
    const { page, problems } = await openPlayground();
    await logInAs(page, 'alice@example.com', 'alice123');
    const box = page.getByRole('region', { name: 'Request' });
    for (const elsewhere of ['//example.com/steal', '/\\example.com/steal']) {
      await box.getByLabel('Path').fill(elsewhere);
      await box.getByRole('button', { name: 'Send' }).click();
      await expectText(page.locator('#request-error'), /must be on this server/);
    }
    // The problems list holds any request that left the server: there was none.
    expect(problems).toEqual([]);
  });
});
