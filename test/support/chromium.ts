/** The browser tests' Chromium: Debian's (apt-get install chromium), or the one CHROMIUM_PATH names. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

// Quiet and small: no sandbox (containers), no GPU, no background traffic, no QUIC; /dev/shm is small in CI.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium, or fails saying how to install it: a browser test never passes by skipping. */
export function launchChromium(): Promise<Browser> {
  const executablePath = CANDIDATES.find((candidate): candidate is string => candidate !== undefined && existsSync(candidate));
  if (!executablePath) throw new Error('The browser test needs Chromium: apt-get install chromium (Debian), or set CHROMIUM_PATH to a Chrome or Chromium');
  return chromium.launch({ executablePath, args: ARGS });
}
