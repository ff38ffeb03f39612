/**
 * A real browser for the console's tests: Debian's chromium (or `$CHROMIUM_PATH`) driven by
 * puppeteer-core, which downloads nothing. Without a chromium the browser tests are skipped,
 * and the test files say so plainly on their output.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The chromium to drive, or undefined when there is none. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export const CHROMIUM = findChromium();

/** Prints, once per test file, that its browser tests are skipped and why. */
export function sayIfSkipped(file: string): void {
  if (CHROMIUM) return;
  process.stdout.write(
    `\n${file}: SKIPPED the browser tests: no chromium found (apt-get install chromium, or set CHROMIUM_PATH). .ci/run installs it.\n`,
  );
}

export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium');
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in a container has no user namespaces for chromium's sandbox.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors of the page; a test ends by expecting none. */
  errors: string[];
}

/**
 * A fresh browser context (its own sessionStorage) with the console open at `url`; waits until
 * the page has signed in and drawn, unless `ready: false` (when it is to ask for a token).
 */
export async function openConsole(browser: Browser, url: string, options: { ready?: boolean; width?: number; height?: number } = {}): Promise<ConsolePage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.setViewport({ width: options.width ?? 1440, height: options.height ?? 900 });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err instanceof Error ? err.message : String(err)}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  if (options.ready !== false) await page.waitForSelector('body[data-ready="true"]');
  return { page, context, errors };
}

/** The modules shown in `state`, by name. */
export function nodesIn(page: Page, state: string): Promise<string[]> {
  return page.$$eval(`g.node[data-state="${state}"]`, (els) => els.map((el) => el.getAttribute('data-module') ?? '').sort());
}

/**
 * With `MODLOADER_SCREENSHOTS=<dir>` set, saves the page as `<dir>/<name>.png` (how the
 * screenshots of docs/images are made: from the tests' own scenarios). Otherwise nothing.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.MODLOADER_SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`) as `${string}.png` });
}

/** The address of every websocket the page opens from now on, in order (through CDP). */
export async function watchSockets(page: Page): Promise<URL[]> {
  const opened: URL[] = [];
  const cdp = await page.createCDPSession();
  cdp.on('Network.webSocketCreated', (event) => opened.push(new URL(event.url)));
  await cdp.send('Network.enable');
  return opened;
}

/** An expression, in the page, of the highest seq its log shows (for `waitForFunction`). */
export const LAST_LOGGED_SEQ = `Math.max(0, ...[...document.querySelectorAll('.log-lines li[data-seq]')].map((el) => Number(el.dataset.seq)))`;

/** The highest seq of the events the page's log shows. */
export function lastLoggedSeq(page: Page): Promise<number> {
  return page.evaluate(LAST_LOGGED_SEQ) as Promise<number>;
}
