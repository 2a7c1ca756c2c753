/**
 * What the UI's end-to-end tests share: the UI built when stale
 * (electron/ui-build.ts), a real `fringe serve` on the simulator on a free
 * port with a temporary data folder (electron/engine.ts, as the desktop
 * shell starts it), and Debian's Chromium through playwright-core (no
 * browser download).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { startEngine } from '../../electron/engine.ts';
import { ensureUiBuilt, repoRoot } from '../../electron/ui-build.ts';

export { ensureUiBuilt } from '../../electron/ui-build.ts';

export const shots = join(repoRoot, 'test-output');
mkdirSync(shots, { recursive: true });

/**
 * Ceilings, not waits: every wait in these tests is for an event (a
 * selector, a plotted trace, a status), and these only bound how long a
 * slow machine may take to get there. Measured on 2 cores loaded to a load
 * average of 8–40 (other test processes, `stress-ng --cpu 2`): a page
 * update that takes 50 ms idle took up to ~20 s; so 90 s for one wait
 * (Playwright's default of 30 s failed there) and 5 minutes for one test.
 */
export const e2eWait = 90_000;
export const e2eTest = 300_000;
/** Building the UI (vite, when stale), starting `fringe serve` and Chromium: the build alone took 4 min at load average 40. */
export const e2eSetup = 600_000;

export interface Served {
  /** The address `fringe serve` printed (with ?token= when one is needed). */
  url: string;
  /** The same without the query: http://127.0.0.1:PORT/ */
  base: string;
  port: number;
  /** The data folder. */
  dir: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** `fringe serve` on the simulator (cpu backend), on a free port, in a new data folder; the UI is built once by ensureUiBuilt, not by each server. */
export async function startServer(extra: string[] = [], prepare?: (dir: string) => void): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'fringe-e2e-'));
  prepare?.(dir);
  // The address comes once the live view runs (its WebAssembly compiled, the sim's first blocks): 45 s was too
  // little at load average ~15 (a loaded run's failure); a ceiling, not a wait.
  const engine = await startEngine({ root: repoRoot, args: ['--db', dir, '--source', 'sim', '--backend', 'cpu', '--no-ui-build', ...extra], timeout: e2eSetup / 1000 / 4 }).catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: engine.url,
    base: `${new URL(engine.url).origin}/`,
    port: engine.port,
    dir,
    stderr: engine.stderr,
    async stop() {
      await engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh station (`fringe serve` on the simulator), the built UI, Chromium and one page whose console errors are collected. */
export async function openSession(
  viewport: { width: number; height: number },
  /** `prepare`: writes into the data folder before the station opens it (a scenario in station.json). */
  options: { acceptDownloads?: boolean; prepare?: (dir: string) => void } = {},
): Promise<{ server: Served; browser: Browser; page: Page; consoleErrors: string[] }> {
  const [server] = await Promise.all([startServer([], options.prepare), ensureUiBuilt()]);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport, acceptDownloads: options.acceptDownloads });
  page.setDefaultTimeout(e2eWait);
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') { consoleErrors.push(m.text()); process.stderr.write(`[page console error] ${m.text()}\n`); }
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return { server, browser, page, consoleErrors };
}

/** Pixel rows of the Live page's waterfall canvas with a quarter or more of their width lit: how many spectra it shows. */
export function paintedWaterfallRows(page: Page): Promise<number> {
  return page.$eval('[data-testid=waterfall]', (el) => {
    const cv = el as HTMLCanvasElement;
    const d = cv.getContext('2d')!.getImageData(0, 0, cv.width, cv.height).data;
    let rows = 0;
    for (let r = 0; r < cv.height; r++) {
      let lit = 0;
      for (let j = 0; j < cv.width; j++) lit += d[4 * (r * cv.width + j)]! + d[4 * (r * cv.width + j) + 1]! > 20 ? 1 : 0;
      if (lit > cv.width / 4) rows++;
    }
    return rows;
  });
}

/** Waits until a plot's first trace differs from what it holds now: the next spectrum drawn (the sim sends one each 0.25 s). */
export async function nextDraw(page: Page, testId: string, timeout = 60_000): Promise<void> {
  // Functions, not strings: the page's CSP forbids eval.
  const before = await page.evaluate((id) => JSON.stringify(Array.from((document.querySelector(`[data-testid=${id}]`) as unknown as { data?: { y?: ArrayLike<number> }[] } | null)?.data?.[0]?.y ?? [])), testId);
  await page.waitForFunction(
    ([id, b]) => JSON.stringify(Array.from((document.querySelector(`[data-testid=${id}]`) as unknown as { data?: { y?: ArrayLike<number> }[] } | null)?.data?.[0]?.y ?? [])) !== b,
    [testId, before] as const,
    { timeout },
  );
}

/** Waits until the page has drawn two more frames: a layout change (a new window size) is on screen. */
export async function framesDrawn(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Waits until a (responsive) plotly plot has been laid out to its container's width again, after the window changed size. */
export async function plotFits(page: Page, testId: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const el = document.querySelector(`[data-testid=${id}]`);
      const svg = el?.querySelector('.main-svg');
      return !!el && !!svg && Math.abs(Number(svg.getAttribute('width')) - el.clientWidth) <= 1;
    },
    testId,
    { timeout },
  );
}

/** One call over a loopback station's WebSocket API (no token): its result, or its error as an Error. */
export function apiCall(port: number, method: string, params: unknown = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data, binary) => {
      if (binary) return;
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id !== 1) return;
      ws.close();
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    });
  });
}
