// Headless Chromium (Debian package, /usr/bin/chromium) driven by playwright-core, with the flags
// this closed network needs (no background networking, no component updates, a fresh profile:
// playwright-core makes a new empty one per launch and refuses --user-data-dir in launch()).
import * as fs from 'fs';
import { chromium, Browser } from 'playwright-core';

export const CHROMIUM = process.env.PALTLS_CHROMIUM ?? '/usr/bin/chromium';

export function haveChromium(): boolean {
  return fs.existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
