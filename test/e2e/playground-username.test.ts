/**
 * The playground with usernames (README "Login by username"): under --login-field username the login form asks for
 * a username and sends one, the register form requires one, the demo list shows them, and the session names a
 * username-only account by its username; a default server still logs in by email. The built command line, in
 * Debian's Chromium driven by playwright-core, as a person types.
 */
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium, useCliProject } from '../support';

const USERS = [
  { id: 1, email: 'admin@example.com', password: 'admin123', role: 'admin' },
  { id: 2, email: 'alice@example.com', username: 'alice', password: 'alice123' },
  // Written by hand with a username only: no email at all.
  { id: 3, username: 'bob_92', password: 'bob12345' },
];
const BY_USERNAME = ['--login-field', 'username'];
// Chrome reports every 4xx fetch on the console; those are the point of the page, not problems.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (401|429)/;

interface Playground {
  page: Page;
  /** Console errors and page errors: none is allowed. */
  problems: string[];
  /** The JSON bodies the page POSTed, by path. */
  sent: Array<{ path: string; body: Record<string, unknown> }>;
}

describe('the playground with usernames, in headless chromium', () => {
  const cli = useCliProject({ 'db.json': { posts: [] }, 'users.json': USERS });
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

  async function openPlayground(flags: string[]): Promise<Playground> {
    const server = await cli.start(['db.json', ...flags]);
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    const sent: Playground['sent'] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (request.method() === 'POST') sent.push({ path: new URL(request.url()).pathname, body: request.postDataJSON() ?? {} });
    });
    await page.goto(server.url);
    return { page, problems, sent };
  }

  /** Waits for the element's text to match, as a person would look again; fails saying what it shows instead. */
  async function expectText(locator: Locator, pattern: RegExp): Promise<void> {
    const deadline = Date.now() + 10_000;
    let shown = await locator.innerText();
    while (!pattern.test(shown) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      shown = await locator.innerText();
    }
    expect(shown).toMatch(pattern);
  }

  const loginBox = (page: Page) => page.getByRole('region', { name: 'Log in' });
  const registerBox = (page: Page) => page.getByRole('region', { name: 'Register' });
  const who = (page: Page) => page.locator('#who');
  const claims = async (page: Page) => JSON.parse((await page.locator('#token-claims').textContent()) ?? '{}');

  /** Does something on the page and waits until its response is on show (each one is numbered, #1, #2...). */
  async function act(page: Page, action: () => Promise<void>): Promise<void> {
    const number = page.locator('#response-number');
    const before = Number((await number.textContent())?.slice(1) || 0);
    await action();
    await expectText(number, new RegExp(`^#${before + 1}$`));
  }

  /** A demo account's Use button fills in its name; the password is typed, as the page never receives one. */
  async function logInAs(page: Page, name: string, password: string): Promise<void> {
    await page.getByRole('button', { name: `Use ${name}`, exact: true }).click();
    await loginBox(page).getByLabel('Password').fill(password);
    await act(page, () => loginBox(page).getByRole('button', { name: 'Log in', exact: true }).click());
  }

  it('under --login-field username: asks for a username, logs in by it, and names the account by it', async () => {
    const { page, problems, sent } = await openPlayground(BY_USERNAME);
    const field = loginBox(page).getByLabel('Username');
    expect(await field.evaluate((input: HTMLInputElement) => [input.name, input.type, input.autocomplete])).toEqual(['username', 'text', 'username']);

    // The demo list has a username column, and Use fills in the username (an email only where there is none).
    const headers = await page.locator('#demo-accounts th').allInnerTexts();
    expect(headers.slice(0, 3)).toEqual(['email', 'username', 'role']);
    await page.getByRole('button', { name: 'Use admin@example.com', exact: true }).click();
    expect(await field.inputValue()).toBe('admin@example.com');
    await page.getByRole('button', { name: 'Use alice', exact: true }).click();
    expect(await field.inputValue()).toBe('alice');

    await logInAs(page, 'bob_92', 'bob12345');
    expect(sent.at(-1)).toEqual({ path: '/auth/login', body: { username: 'bob_92', password: 'bob12345' } });
    await expectText(who(page), /^Signed in as bob_92 \(user, id 3\)$/);
    const token = await claims(page);
    expect(token).toMatchObject({ sub: '3', preferred_username: 'bob_92' });
    expect(token).not.toHaveProperty('email');

    // Forgot password needs an email: a username in the field is said so, and not sent.
    const posts = sent.length;
    await loginBox(page).getByRole('button', { name: 'Forgot password?' }).click();
    await expectText(page.locator('#forgot-status'), /^Forgot password needs the account's email/);
    expect(sent.length).toBe(posts);
    expect(problems).toEqual([]);
  });

  it('under --login-field username: registers an account with a username only', async () => {
    const { page, problems, sent } = await openPlayground(BY_USERNAME);
    const register = registerBox(page);
    expect(await register.getByLabel('Username').evaluate((input: HTMLInputElement) => input.required)).toBe(true);
    expect(await register.getByLabel('Email').evaluate((input: HTMLInputElement) => input.required)).toBe(false);
    expect(await register.locator('label', { has: page.locator('input[name="email"]') }).innerText()).toMatch(/^Email \(optional\)/);

    await register.getByLabel('Username').fill('carol_7');
    await register.getByLabel('Password').fill('carol-pass-1');
    await act(page, () => register.getByRole('button', { name: 'Register' }).click());
    expect(sent.at(-1)).toEqual({ path: '/auth/register', body: { username: 'carol_7', password: 'carol-pass-1' } });
    await expectText(who(page), /^Signed in as carol_7 \(user, id 4\)$/);
    const token = await claims(page);
    expect(token).toMatchObject({ sub: '4', preferred_username: 'carol_7' });
    expect(token).not.toHaveProperty('email');
    expect(await page.locator('#response-status').innerText()).toBe('201 Created');
    expect(problems).toEqual([]);
  });

  it('under --login-field username: a 429 holds that username, whatever its case, and not another name', async () => {
    const { page, problems } = await openPlayground([...BY_USERNAME, '--rate-limit', 'login=2/1m,ip=100/15m']);
    for (let attempt = 1; attempt <= 3; attempt += 1) await logInAs(page, 'bob_92', 'not-his-password');
    await expectText(page.locator('#response-status'), /^429 /);
    const logIn = loginBox(page).getByRole('button', { name: 'Log in', exact: true });
    await expectText(loginBox(page), /Try again in \d+ s/);
    expect(await logIn.isDisabled()).toBe(true);
    // The same name typed otherwise is the same account: still waiting.
    await loginBox(page).getByLabel('Username').fill('BOB_92');
    expect(await logIn.isDisabled()).toBe(true);
    // Another account's name frees the form.
    await loginBox(page).getByLabel('Username').fill('alice');
    expect(await logIn.isEnabled()).toBe(true);
    expect(await loginBox(page).innerText()).not.toMatch(/Try again in/);
    expect(problems).toEqual([]);
  });

  it('on a default server: asks for an email (a username works too), and logs in by email as before', async () => {
    const { page, problems, sent } = await openPlayground([]);
    const field = loginBox(page).getByLabel('Email');
    expect(await field.evaluate((input: HTMLInputElement) => input.name)).toBe('email');
    expect(
      await registerBox(page)
        .getByLabel('Email')
        .evaluate((input: HTMLInputElement) => input.required),
    ).toBe(true);
    expect(
      await registerBox(page)
        .getByLabel('Username')
        .evaluate((input: HTMLInputElement) => input.required),
    ).toBe(false);

    // Use fills in the email where there is one.
    await logInAs(page, 'alice@example.com', 'alice123');
    expect(sent.at(-1)).toEqual({ path: '/auth/login', body: { email: 'alice@example.com', password: 'alice123' } });
    await expectText(who(page), /^Signed in as alice@example\.com \(user, id 2\)$/);
    expect(await claims(page)).toMatchObject({ email: 'alice@example.com', preferred_username: 'alice' });

    // A username typed into the same field logs in by username: /auth/login takes either.
    await field.fill('bob_92');
    await loginBox(page).getByLabel('Password').fill('bob12345');
    await act(page, () => loginBox(page).getByRole('button', { name: 'Log in', exact: true }).click());
    expect(sent.at(-1)).toEqual({ path: '/auth/login', body: { username: 'bob_92', password: 'bob12345' } });
    await expectText(who(page), /^Signed in as bob_92 \(user, id 3\)$/);
    expect(problems).toEqual([]);
  });
});
