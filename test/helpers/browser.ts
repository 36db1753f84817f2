import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// Debian's chromium (`apt-get install -y chromium`, done by .ci/run), driven by playwright-core: no browser
// download, nothing fetched from the network.
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Fails, rather than skips, without Chromium: a browser test that does not run proves nothing. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    return Promise.reject(new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (.ci/run installs it)`));
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
