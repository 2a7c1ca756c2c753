/**
 * What a newcomer tripped on (issue 17), end to end against `fringe serve`
 * on the simulator in Debian's Chromium: offset tuning said on the page and
 * the HI button retuning; the Dropped readout's headline and small print
 * agreeing; a reload keeping the power history; the next transit in sky
 * time; switching from the interferometer back to the default scenario;
 * drops on the Observations list and page; an observation's band zoom and
 * waterfall; cancelling a queued upload and feedback on a second Upload;
 * and every page at 1440 and 390 px wide without horizontal overflow
 * (screenshots newcomer-*.png in test-output/: look at them).
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Store } from '../../observations/store/store.ts';
import { config, integration } from '../observations/fixtures.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, e2eWait, framesDrawn, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

/** One API call over the WebSocket (the server has no token here). */
function call<T>(port: number, method: string, params: unknown = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data, binary) => {
      if (binary) return;
      const msg = JSON.parse(String(data)) as { id?: number; result?: T; error?: { message: string } };
      if (msg.id !== 1) return;
      ws.close();
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result!);
    });
  });
}

/** A plot's first trace's x, and its layout's y range (null when autoranged), as plotly holds them. */
function trace(page: Page, testId: string): Promise<{ x: unknown[]; n: number; range: number[] | null; shown: number[] }> {
  return page.$eval(`[data-testid=${testId}]`, (el) => {
    const p = el as unknown as { data?: { x?: unknown[]; z?: unknown[] }[]; layout?: { yaxis?: { range?: number[]; autorange?: unknown } }; _fullLayout?: { yaxis?: { range?: number[] } } };
    const d = p.data?.[0];
    const y = p.layout?.yaxis;
    return { x: Array.from(d?.x ?? []), n: (d?.x ?? []).length, range: y && y.autorange === false && y.range ? [...y.range] : null, shown: [...(p._fullLayout?.yaxis?.range ?? [])] };
  });
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

describe.skipIf(skip)('a newcomer meets no rough edges (issue 17)', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1000 }));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tunes off the line by default, says so, and the HI button retunes there', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => ((document.querySelector('[data-testid=spectrum-plot]') as unknown as { data?: { y: number[] }[] })?.data?.[0]?.y.length ?? 0) === 1024);
    expect(await text(page, 'centre')).toMatch(/^1420\.1058/);
    expect(await page.locator('.readout', { has: page.getByTestId('centre') }).locator('.readout-sub').textContent()).toMatch(/HI \+300 kHz from DC/);
    const { x } = await trace(page, 'spectrum-plot');
    expect(x[0] as number).toBeCloseTo(1420.105752 - 1.2, 3);
    // Elsewhere, then the HI button alone (no Retune) tunes back to the offset centre.
    await page.getByTestId('freq').fill('1420.2');
    await page.getByTestId('apply').click();
    await page.waitForFunction(() => /^1420\.2000/.test(document.querySelector('[data-testid=centre]')?.textContent ?? ''));
    await page.getByTestId('tune-hi').click();
    await page.waitForFunction(() => /^1420\.1058/.test(document.querySelector('[data-testid=centre]')?.textContent ?? ''));
    expect(await page.getByTestId('freq').inputValue()).toBe('1420.1058');
    expect((await call<{ live: { tuning: { centerFrequency: number } } }>(server.port, 'station.status')).live.tuning.centerFrequency).toBe(1_420_105_752);
  });

  it("'HI here' tunes for the HI at the dish's pointing (its emission window mid-band) and says why", async () => {
    // What the station computes for the live pointing (src/analysis/hi/tuning.ts), asked over the API as the button does.
    const t = await call<{ centerFrequency: number; l: number; b: number; why: string; pointing: boolean; margins: [number, number] }>(server.port, 'hi.tuning', {});
    expect(t.pointing).toBe(true);
    // The default scenario's dish (it tracks the sun): the direction is the live view's own.
    const lsr = (await call<{ live: { lsr: { l: number; b: number } } }>(server.port, 'station.status')).live.lsr;
    expect(t.l).toBeCloseTo(lsr.l, 1);
    expect(t.b).toBeCloseTo(lsr.b, 1);
    await page.getByTestId('tune-hi-here').click();
    const mhz = (t.centerFrequency / 1e6).toFixed(4);
    await page.getByTestId('tune-hi-why').waitFor();
    // Retuned to within 0.01 MHz of what the station computed a moment before (the pointing and its LSR correction move slowly).
    await page.waitForFunction((m) => Math.abs(Number((document.querySelector('[data-testid=centre]')?.textContent ?? '').slice(0, 9)) - m) < 0.01, Number(mhz));
    // The sun moves (the dish tracks it): the button's own call may see l, b a hair on from the one above.
    expect(await text(page, 'tune-hi-why')).toMatch(/^l -?\d+\.\d°, b -?\d+\.\d°: the emission window -?\d+…-?\d+ km\/s centred in the flat band/);
    await page.screenshot({ path: join(shots, 'newcomer-hi-here.png') });
    // Back to the offset centre for what follows.
    await page.getByTestId('tune-hi').click();
    await page.waitForFunction(() => /^1420\.1058/.test(document.querySelector('[data-testid=centre]')?.textContent ?? ''));
  });

  it('the Dropped headline and its small print count the same samples', async () => {
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=dropped]')?.textContent ?? ''));
    const readout = page.locator('.readout', { has: page.getByTestId('dropped') });
    // Read together, from one render.
    const { value, sub, title } = await readout.evaluate((el) => ({
      value: el.querySelector('[data-testid=dropped]')!.textContent!, sub: el.querySelector('.readout-sub')!.textContent!, title: el.getAttribute('title')!,
    }));
    const percent = Number(value.replace(/\s*%$/, ''));
    const m = /: ([\d\u2009]+) of ([\d\u2009]+) in/.exec(title)!;
    const [lost, all] = [Number(m[1]!.replace(/\u2009/g, '')), Number(m[2]!.replace(/\u2009/g, ''))];
    expect(all).toBeGreaterThan(0);
    if (lost === 0) {
      expect(percent).toBe(0);
      expect(sub).toMatch(/^none since \d\d:\d\d UTC$/);
    } else {
      expect(percent).toBeCloseTo((100 * lost) / all, 1);
      expect(Number(/^([\d\u2009]+) samples/.exec(sub)![1]!.replace(/\u2009/g, ''))).toBe(lost);
    }
  });

  it('a reload keeps the power history (the engine keeps it)', async () => {
    await page.waitForFunction(() => ((document.querySelector('[data-testid=power-plot]') as unknown as { data?: { x: unknown[] }[] })?.data?.[0]?.x.length ?? 0) >= 12);
    const before = await trace(page, 'power-plot');
    await page.reload();
    // The first point from before the reload is back: the page fetched the engine's history.
    await page.waitForFunction((x0) => (document.querySelector('[data-testid=power-plot]') as unknown as { data?: { x: unknown[] }[] })?.data?.[0]?.x[0] === x0, before.x[0]);
    expect((await trace(page, 'power-plot')).n).toBeGreaterThanOrEqual(before.n);
  });

  it('shows the next transit of the simulated sky, by its clock', async () => {
    await page.waitForFunction(() => /sky time/.test(document.querySelector('.readout:has([data-testid=next-transit]) .readout-label')?.textContent ?? ''));
    const sun = await call<{ nextTransit: { time: string } }>(server.port, 'station.sun');
    expect(await text(page, 'next-transit')).toBe(`${new Date(sun.nextTransit.time).toISOString().slice(11, 16)} UTC`);
  });

  it('switches from the interferometer group back to the default scenario cleanly', async () => {
    await page.getByTestId('nav-station').click();
    expect(await text(page, 'source-in-use')).toBe('simulator, antenna 0 (dish) · spec sim');
    await page.getByTestId('site-default').waitFor();
    await page.getByTestId('scenario-select').selectOption('interferometer');
    await page.getByTestId('source-pill').filter({ hasText: 'Simulator · interferometer' }).waitFor();
    await page.getByTestId('sim-group-use').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid=source-in-use]')?.textContent ?? '').endsWith(' · spec group:sim:0,sim:1,sim:2'));
    await page.getByTestId('scenario-select').selectOption('');
    await page.waitForFunction(() => document.querySelector('[data-testid=source-in-use]')?.textContent === 'simulator, antenna 0 (dish) · spec sim');
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    const status = await call<{ scenario: string | null; live: { source: string } }>(server.port, 'station.status');
    expect(status).toMatchObject({ scenario: null, live: { source: 'sim' } });
  });

  it('shows drops on the Observations list and page; an observation has band zoom and its waterfall', async () => {
    // A recording of the simulator, through the page.
    await page.getByTestId('nav-live').click();
    await page.getByTestId('record').click();
    await page.waitForFunction(() => Number(/(\d+) int/.exec(document.querySelector('[data-testid=rec-pill]')?.textContent ?? '')?.[1]) >= 8);
    await page.getByTestId('record').click();
    await page.getByTestId('rec-pill').waitFor({ state: 'detached' });
    // And one with known drops, written into the station's store beside it: 2 drop events, 2 × 1000 + 2 × 7 samples lost.
    const c = config({ inputs: 2, channels: 16 });
    const store = Store.open(server.dir);
    let dropped: number;
    try {
      const rec = store.startObservation({ mode: 'spectrum', target: 'drops', config: c, start: 1_718_000_000 });
      const lost: Record<number, number> = { 1: 1000, 3: 7 };
      for (let i = 0; i < 5; i++) rec.append({ ...integration(c, i, 500), dropped: [lost[i] ?? 0, lost[i] ?? 0] });
      rec.complete();
      dropped = rec.id;
    } finally {
      store.close();
    }
    // 2014 of 2014 + 5 × 500 spectra × 16 channels × 2 inputs: 2.456 %, shown to one decimal past 1 %.
    const fraction = 2014 / (2014 + 5 * 500 * 16 * 2);
    expect(fraction * 100).toBeCloseTo(2.456, 3);
    await page.getByTestId('nav-observations').click();
    await page.getByTestId(`obs-row-${dropped}`).waitFor();
    expect(await text(page, `obs-drops-${dropped}`)).toBe('⚠ 2.5 %');
    // The simulator's recording: drops only if this machine fell behind, and then shown as such.
    const recorded = await call<{ integrations: number; drops: { samples: number } }>(server.port, 'observations.get', { id: 1 });
    expect(await text(page, 'obs-drops-1')).toMatch(recorded.drops.samples === 0 ? /^—$/ : /^⚠ \d/);
    await page.getByTestId(`obs-row-${dropped}`).click();
    await page.getByTestId('obs-drop-warning').waitFor();
    expect(await text(page, 'obs-dropped')).toBe('2 drops · 2\u2009014 samples (2.5 %)');

    await page.getByTestId('obs-row-1').click();
    await page.getByTestId('obs-spectrum').locator('.main-svg').first().waitFor();
    expect(await page.getByTestId('obs-drop-warning').count()).toBe(recorded.drops.samples === 0 ? 0 : 1);
    // Band: the passband's level a few dB either side; Full: the rolloff too, a wider range.
    const band = await trace(page, 'obs-spectrum');
    expect(band.range).not.toBeNull();
    expect(band.range![1]! - band.range![0]!).toBeLessThan(8);
    await page.getByTestId('obs-scale-full').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid=obs-spectrum]') as unknown as { layout?: { yaxis?: { autorange?: unknown } } }).layout?.yaxis?.autorange === true);
    const full = await trace(page, 'obs-spectrum');
    expect(full.shown[1]! - full.shown[0]!).toBeGreaterThan(band.range![1]! - band.range![0]!);
    // The waterfall: a row per integration, 1024 channels in 512 columns.
    await page.getByTestId('obs-waterfall').locator('.main-svg').first().waitFor();
    const fall = await page.$eval('[data-testid=obs-waterfall]', (el) => {
      const d = (el as unknown as { data: { x: unknown[]; z: unknown[][] }[] }).data[0]!;
      return { columns: d.x.length, rows: d.z.length };
    });
    expect(fall).toEqual({ columns: 512, rows: recorded.integrations });
    await page.getByTestId('obs-scale-band').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await framesDrawn(page);
    await page.screenshot({ path: join(shots, 'newcomer-observation-1440.png'), fullPage: true });
  });

  it('a queued upload can be cancelled, and a second Upload says what it did', async () => {
    // Nothing listens at port 1: each attempt is refused and the job waits for its next try (5 s, then 10 s…).
    await call(server.port, 'targets.add', { kind: 'http', name: 'nowhere', url: 'http://127.0.0.1:1/in/', method: 'PUT' });
    await page.getByTestId('nav-live').click();
    await page.getByTestId('nav-observations').click();
    await page.getByTestId('obs-row-1').click();
    await page.getByTestId('upload-target').locator('option', { hasText: 'nowhere' }).waitFor({ state: 'attached' });
    await page.getByTestId('upload-target').selectOption('nowhere');
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-said').filter({ hasText: /^Queued as upload #\d+\.$/ }).waitFor();
    await page.getByTestId('upload-start').click();
    await page.getByTestId('upload-said').filter({ hasText: /^Already (waiting|sending): upload #\d+\.$/ }).waitFor();
    const job = page.locator('[data-testid^=upload-job-]').first();
    await job.getByTestId('upload-cancel').click({ timeout: e2eWait });
    await page.locator('[data-testid^=upload-job-][data-state=failed]').first().waitFor();
    expect(await job.getByTestId('upload-error').textContent()).toMatch(/cancelled before it started/);
    await job.getByTestId('upload-retry').waitFor();
  });

  it('every page fits 1440 and 390 px wide without sideways scrolling', async () => {
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width > 1000 ? 1000 : 844 });
      // Every page in the navigation, the ones added later too.
      const nav = await page.$$eval('nav a[data-testid^=nav-]', (as) => as.map((a) => a.getAttribute('data-testid')!.slice(4)));
      expect(nav).toEqual(expect.arrayContaining(['live', 'station', 'observations']));
      for (const p of nav) {
        await page.getByTestId(`nav-${p}`).click();
        if (p === 'live') await page.getByTestId('spectrum-plot').locator('.main-svg').first().waitFor();
        if (p === 'observations') {
          await page.getByTestId('obs-row-1').click();
          await page.getByTestId('obs-waterfall').locator('.main-svg').first().waitFor();
        }
        await page.evaluate(() => window.scrollTo(0, 0));
        await framesDrawn(page);
        const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(scroll, `${p} at ${width} px`).toBeLessThanOrEqual(inner!);
        // No readout's small print is cut: each fits its box (it wraps instead).
        if (p === 'live') {
          const cut = await page.$$eval('.readout-sub', (els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
          expect(cut, `${p} at ${width} px`).toEqual([]);
        }
        await page.screenshot({ path: join(shots, `newcomer-${p}-${width}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(consoleErrors).toEqual([]);
  });
});
