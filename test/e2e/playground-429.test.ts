/**
 * The playground's login form after too many failed logins (issue 15): the server's 429 message, a countdown from
 * Retry-After, and the Log in button held until it ends. The built command line with a small limit, in Debian's
 * Chromium driven by playwright-core, as a person types.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { launchChromium, ROOT, useCliProject } from '../support';

// Three failures per account and address, then a minute's wait; the address's limit is far off.
const RATE_LIMIT = ['--rate-limit', 'login=3/1m,ip=100/15m'];
// Chrome reports every 4xx fetch on the console; those are the point of the page, not problems.
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of (401|429)/;

describe('the playground waits out a 429 from the login, in headless chromium', () => {
  // The sample project: admin, alice and bob, their passwords in plain text, so the page lists them to use.
  const cli = useCliProject();
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

  /** The server with the limit, and the page opened on a clock the test can move. */
  async function openPlayground(): Promise<{ page: Page; problems: string[] }> {
    const server = await cli.start(['db.json', ...RATE_LIMIT]);
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // Time flows as usual until the test jumps it forward, past the minute's wait.
    await context.clock.install();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !EXPECTED_CONSOLE.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
    return { page, problems };
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
  const logInButton = (page: Page) => loginBox(page).getByRole('button', { name: 'Log in', exact: true });
  const responseLine = (page: Page) => page.locator('.response-line');
  const countdownPattern = /Try again in (60|5\d) s/;

  /** A demo account's Use button, a password typed, Log in, and the answer on show (each one is numbered, #1, #2...). */
  async function logInAs(page: Page, email: string, password: string): Promise<void> {
    const number = page.locator('#response-number');
    const before = Number((await number.textContent())?.slice(1) || 0);
    await page.getByRole('button', { name: `Use ${email}` }).click();
    await loginBox(page).getByLabel('Password').fill(password);
    await logInButton(page).click();
    await expectText(number, new RegExp(`^#${before + 1}$`));
  }

  /** What a person sees of the wait: the server's message and the countdown under the form, and a button that will not press. */
  async function expectWaiting(page: Page): Promise<void> {
    await expectText(responseLine(page), /POST \/auth\/login → 429 Too Many Requests/);
    await expectText(loginBox(page), /Too many failed logins.*--rate-limit off/);
    await expectText(loginBox(page), countdownPattern);
    expect(await logInButton(page).isDisabled()).toBe(true);
  }

  async function expectNotWaiting(page: Page): Promise<void> {
    const shown = await loginBox(page).innerText();
    expect(shown).not.toMatch(/Too many failed logins|Try again in/);
    expect(await logInButton(page).isEnabled()).toBe(true);
  }

  it('shows the message and a live countdown from Retry-After, holding the form until it ends', async () => {
    const { page, problems } = await openPlayground();
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      await logInAs(page, 'alice@example.com', 'not-her-password');
      await expectText(responseLine(page), /POST \/auth\/login → 401 Unauthorized/);
      await expectNotWaiting(page);
    }
    // The fourth attempt, with the right password: refused all the same while the account waits.
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectWaiting(page);
    expect(await page.locator('#who').innerText()).toBe('Not signed in');
    // Live: it ticks down, second by second.
    mkdirSync(path.join(ROOT, 'test-output'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-output', 'playground-429.png') });
    const first = Number(countdownPattern.exec(await loginBox(page).innerText())![1]);
    await expectText(loginBox(page), new RegExp(`Try again in ${first - 1} s`));

    // A minute later (the page's clock jumped forward) the form is free again, the message and countdown gone.
    await page.clock.fastForward('01:01');
    await expectText(loginBox(page), /^(?![\s\S]*Try again in)/);
    await expectNotWaiting(page);
    expect(problems).toEqual([]);
  });

  it('leaves no countdown behind once another account is chosen, or someone signs in', async () => {
    const { page, problems } = await openPlayground();
    for (let attempt = 1; attempt <= 4; attempt += 1) await logInAs(page, 'alice@example.com', 'not-her-password');
    await expectWaiting(page);

    // Another account: not held up by alice's wait, and it logs in.
    await page.getByRole('button', { name: 'Use admin@example.com' }).click();
    await expectNotWaiting(page);
    await logInAs(page, 'admin@example.com', 'admin123');
    await expectText(page.locator('#who'), /^Signed in as admin@example\.com/);
    await expectNotWaiting(page);

    // Back to alice: the server still makes her wait, and says so again.
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectWaiting(page);
    // Typing another address into the field frees the form too.
    await loginBox(page).getByLabel('Email').fill('admin@example.com');
    await expectNotWaiting(page);

    // A sign-in by another way (registering) while alice waits ends the countdown as well.
    await logInAs(page, 'alice@example.com', 'alice123');
    await expectWaiting(page);
    const register = page.getByRole('region', { name: 'Register' });
    await register.getByLabel('Email').fill('carol@example.com');
    await register.getByLabel('Password').fill('carol-pass-1');
    await register.getByRole('button', { name: 'Register' }).click();
    await expectText(page.locator('#who'), /^Signed in as carol@example\.com/);
    await expectNotWaiting(page);
    // Nothing ticks on in the background: a second later the form is still as it was left.
    await page.clock.runFor(2000);
    await expectNotWaiting(page);
    expect(problems).toEqual([]);
  });
});
