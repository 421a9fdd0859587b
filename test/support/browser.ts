/**
 * Real-browser harness for the console tests: Debian's Chromium (/usr/bin/chromium, package `chromium`;
 * `.ci/run` installs it when missing) driven by playwright-core, headless. No browser is downloaded.
 * Collects uncaught page errors and Content-Security-Policy violations, runs axe scans, and saves a
 * screenshot of every page into artifacts/console-screenshots/ (git-ignored; kept by CI as an artifact).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS ?? path.join(ROOT, 'artifacts', 'console-screenshots');
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium); .ci/run does this`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A browser tab that records what must never happen: uncaught errors, console errors, CSP violations. */
export class WatchedPage {
  readonly problems: string[] = [];
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.problems.push(`uncaught page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) this.problems.push(`console error: ${m.text()}`);
    });
  }

  static async open(browser: Browser): Promise<WatchedPage> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    const page = await context.newPage();
    const w = new WatchedPage(context, page);
    // securitypolicyviolation events never reach the console on their own: report them.
    await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));" });
    return w;
  }

  /** Axe: the serious and critical violations of the page as it is now (WCAG 2.x A/AA rules). */
  async axe(): Promise<string[]> {
    const r = await new AxeBuilder({ page: this.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
