/**
 * Sources end to end: `fringe sim --rtl-tcp` runs as its own process (an
 * rtl_tcp server on a free port, as on another machine), Chromium on the
 * Station page of a real `fringe serve` adds it, sees it reachable with its
 * tuner, uses it (the header names it, the live spectrum moves, the server
 * logs our client), sees why a closed port is unreachable, and chooses
 * simulator scenarios (the status reports each; the live simulator restarts
 * on it). Screenshots in test-output/.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName, Result } from '../../src/api/contract.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { startSimChild, type SimChild } from '../helpers/sim-child.ts';
import { e2eSetup, e2eTest, e2eWait, framesDrawn, nextDraw, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));


/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** One call to the station's API over its WebSocket, beside the page (what the page's status says, asked directly). */
function call<M extends MethodName>(port: number, method: M): Promise<Result<M>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params: {} })));
    ws.on('message', (data, binary) => {
      if (binary) return;
      const msg = JSON.parse(String(data)) as { id?: number; result?: Result<M>; error?: { message: string } };
      if (msg.id !== 1) return;
      ws.close();
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result!);
    });
  });
}

/** The y values of the live spectrum's trace. */
const plottedY = (page: Page) =>
  page.$eval('[data-testid=spectrum-plot]', (el) => Array.from((el as unknown as { data?: { y: number[] }[] }).data?.[0]?.y ?? []));

describe.skipIf(skip)('sources on the Station page', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let sim: SimChild;

  beforeAll(async () => {
    [{ server, browser, page, consoleErrors }, sim] = await Promise.all([openSession({ width: 1440, height: 1150 }), startSimChild()]);
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await sim?.stop();
  });

  it("adds `fringe sim --rtl-tcp` as an rtl_tcp server, sees it reachable with its tuner, uses it, and the live spectrum moves", async () => {
    await page.goto(server.url.replace(/\/(\?|$)/, '/#/station$1'));
    await page.getByTestId('sources-panel').waitFor();
    // The simulator is in use at the start: its row is lit.
    await page.locator('[data-testid=sim-row].on').waitFor();
    await page.getByTestId('endpoint-input').fill(sim.endpoint);
    await page.getByTestId('endpoint-add').click();
    const row = page.getByTestId(`endpoint-${sim.endpoint}`);
    await row.getByTestId('endpoint-state').filter({ hasText: 'reachable · R820T tuner · 29 gains' }).waitFor();
    expect(await row.getByTestId('endpoint-dot').getAttribute('class')).toMatch(/\bok\b/);
    expect(await page.getByTestId('endpoint-input').inputValue()).toBe('');
    expect(JSON.parse(readFileSync(join(server.dir, 'station.json'), 'utf8')).rtlTcpEndpoints).toEqual([sim.endpoint]);

    await row.getByTestId('endpoint-use').click();
    await page.getByTestId('source-pill').filter({ hasText: `rtl_tcp ${sim.endpoint} (R820T)` }).waitFor();
    expect(await page.getByTestId('source-pill').getAttribute('title')).toBe(`rtltcp:${sim.endpoint}`);
    await expect.poll(() => page.getByTestId('source-in-use').textContent(), { timeout: e2eTest }).toBe(`rtl_tcp ${sim.endpoint} (R820T) · spec rtltcp:${sim.endpoint}`);
    await page.locator(`[data-testid="endpoint-${sim.endpoint}"].on`).waitFor();
    expect(await page.locator('[data-testid=sim-row].on').count()).toBe(0);
    // In use: listed as such, not probed (a probe would be turned away as a second client).
    await row.getByTestId('endpoint-state').filter({ hasText: /^connected · R820T tuner · 29 gains/ }).waitFor();
    const status = await call(server.port, 'station.status');
    expect(status.live).toMatchObject({ kind: 'rtltcp', source: `rtltcp:${sim.endpoint}` });
    // The rtl_tcp server saw our client and its tuning.
    expect(sim.log()).toMatch(/client 127\.0\.0\.1:\d+ connected/);
    // Offset tuning: an eighth of 2.4 MHz below the line.
    expect(sim.log()).toMatch(/command \{"command":1,"param":1420105752/);
    await page.screenshot({ path: join(shots, 'ui-sources-rtltcp.png'), fullPage: true });

    // The live spectrum keeps coming, now over rtl_tcp.
    await page.getByTestId('nav-live').click();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=spectrum-plot]') as unknown as { data?: { y: number[] }[] })?.data?.[0]?.y.length ?? 0) === 1024);
    const first = await plottedY(page);
    await page.waitForFunction((y0) => {
      const y = (document.querySelector('[data-testid=spectrum-plot]') as unknown as { data: { y: number[] }[] }).data[0]!.y;
      return y.filter((v, i) => v !== y0[i]).length > 500;
    }, first);
    expect(await page.locator('[data-testid=sim-banner]').count()).toBe(0);
    await nextDraw(page, 'spectrum-plot');
    await page.screenshot({ path: join(shots, 'ui-sources-rtltcp-live.png') });
  }, e2eTest);

  it('shows why a closed port is unreachable, and refreshes', async () => {
    const port = await closedPort();
    await page.getByTestId('nav-station').click();
    await page.getByTestId('endpoint-input').fill(`127.0.0.1:${port}`);
    await page.getByTestId('endpoint-add').click();
    const row = page.getByTestId(`endpoint-127.0.0.1:${port}`);
    await row.getByTestId('endpoint-state').filter({ hasText: `refused — nothing is listening at 127.0.0.1:${port}` }).waitFor();
    expect(await row.getByTestId('endpoint-dot').getAttribute('class')).toMatch(/\bbad\b/);
    // A malformed address is refused with the reason, and nothing is added.
    await page.getByTestId('endpoint-input').fill('dish.local');
    await page.getByTestId('endpoint-add').click();
    await page.getByTestId('endpoint-error').filter({ hasText: "'dish.local' is not an rtl_tcp endpoint: write HOST:PORT, e.g. 192.168.1.20:1234 or [::1]:1234" }).waitFor();
    await page.screenshot({ path: join(shots, 'ui-sources-bad-endpoint.png') });
    expect(await page.locator('[data-testid^="endpoint-dish"]').count()).toBe(0);
    await page.getByTestId('endpoint-input').fill('');
    // Typing clears the complaint.
    await page.getByTestId('endpoint-error').waitFor({ state: 'detached' });
    await page.getByTestId('sources-refresh').click();
    await page.getByTestId('sources-refresh').and(page.locator(':enabled')).waitFor();
    await row.getByTestId('endpoint-state').filter({ hasText: /^refused/ }).waitFor();
    await page.screenshot({ path: join(shots, 'ui-sources-unreachable.png'), fullPage: true });
    await row.getByTestId('endpoint-remove').click();
    await row.waitFor({ state: 'detached' });
    expect(JSON.parse(readFileSync(join(server.dir, 'station.json'), 'utf8')).rtlTcpEndpoints).toEqual([sim.endpoint]);
  }, e2eTest);

  it('chooses the sun-drift scenario: the status reports it, the simulator opens on it, and a live simulator restarts on the next', async () => {
    const select = page.getByTestId('scenario-select');
    expect(await select.inputValue()).toBe('');
    await select.selectOption('sun-drift');
    await page.getByTestId('scenario-description').filter({ hasText: 'A 1 m dish parked on the meridian at el 61.4°' }).waitFor();
    await expect.poll(async () => (await call(server.port, 'station.status')).scenario, { timeout: e2eWait }).toBe('sun-drift');
    // The live view stays on rtl_tcp: choosing a scenario only restarts a live simulator.
    expect((await call(server.port, 'station.status')).live?.kind).toBe('rtltcp');

    await page.getByTestId('sim-use').click();
    await page.getByTestId('source-pill').filter({ hasText: 'Simulator · sun-drift' }).waitFor();
    await page.locator('[data-testid=sim-row].on').waitFor();
    await page.getByTestId('sim-banner').filter({ hasText: 'scenario sun-drift' }).waitFor();
    // sun-drift starts at 11:30 UTC with the sky clock at 60×: the sun is near its noon height (≈ 61°).
    const drift = await call(server.port, 'station.sun');
    expect(drift.sky.sky).toBe('simulator');
    expect(drift.sky.el).toBeGreaterThan(55);
    await page.screenshot({ path: join(shots, 'ui-sources-scenario.png'), fullPage: true });

    // With the simulator live, another scenario restarts it: hydrogen is at 22:00 UTC, the sun below the horizon.
    await select.selectOption('hydrogen');
    await page.getByTestId('source-pill').filter({ hasText: 'Simulator · hydrogen' }).waitFor();
    await page.getByTestId('scenario-description').filter({ hasText: /galactic hydrogen line, no sun/ }).waitFor();
    // The pill follows the setting at once; the simulator's new session (and its sky) follows when it has opened.
    // (The simulator's sky, not the site's: at night the site's sun is below the horizon too, while the restart is under way.)
    await expect.poll(async () => {
      const sun = await call(server.port, 'station.sun');
      return sun.sky.sky === 'simulator' ? sun.sky.el : NaN;
    }, { timeout: e2eWait }).toBeLessThan(0);
    expect((await call(server.port, 'station.status')).live?.kind).toBe('sim');
    expect(JSON.parse(readFileSync(join(server.dir, 'station.json'), 'utf8')).scenario).toBe('hydrogen');
    // A laptop-narrow window: one column, rows still readable.
    await page.setViewportSize({ width: 900, height: 1150 });
    await framesDrawn(page);
    await page.getByTestId('sources-panel').screenshot({ path: join(shots, 'ui-sources-narrow.png') });
    expect(consoleErrors).toEqual([]);
  }, e2eTest);
});
