/**
 * The UI end to end: a real `fringe serve` on the simulator, Debian's
 * Chromium driven by playwright-core, no mocks. Screenshots go to
 * test-output/ (look at them: the UI should read as an instrument).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { apiCall, e2eSetup, e2eTest, ensureUiBuilt, launchChromium, nextDraw, openSession, paintedWaterfallRows, plotFits, shots, startServer, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));
/** The 21 cm line's rest frequency (MHz), Hellwig et al. 1970. */
const hiRest = 1420.405751768;

/** The spectrum as plotted: x (MHz) and y (dB) of the live spectrum's trace. */
async function plotted(page: Page, testId = 'spectrum-plot'): Promise<{ x: number[]; y: number[] }> {
  return page.$eval(`[data-testid=${testId}]`, (el) => {
    const d = (el as unknown as { data?: { x: number[]; y: number[] }[] }).data?.[0];
    return { x: Array.from(d?.x ?? []), y: Array.from(d?.y ?? []) };
  });
}

describe.skipIf(skip)('the UI against fringe serve and the simulator', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1000 }, { acceptDownloads: true }));
    // This page's counts and waterfall are written for a spectrum each 0.25 s (the station's default is the one default integration, 1 s).
    await apiCall(server.port, 'live.start', { source: 'sim', integration: 0.25, backend: 'cpu' });
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens on the live spectrum of the simulator, which updates', async () => {
    await page.goto(server.url);
    await page.getByTestId('sim-banner').waitFor();
    expect(await page.getByTestId('sim-banner').textContent()).toMatch(/Simulator/);
    await page.waitForFunction(() => ((document.querySelector('[data-testid=spectrum-plot]') as unknown as { data?: { y: number[] }[] })?.data?.[0]?.y.length ?? 0) === 1024);
    const first = await plotted(page);
    await page.waitForFunction((y0) => {
      const y = (document.querySelector('[data-testid=spectrum-plot]') as unknown as { data: { y: number[] }[] }).data[0]!.y;
      return y.some((v, i) => v !== y0[i]);
    }, first.y);
    const second = await plotted(page);
    expect(second.y).toHaveLength(1024);
    expect(second.y.filter((v, i) => v !== first.y[i]).length).toBeGreaterThan(500);
    // The frequency axis spans the sim's 2.4 MHz around 1420.1058 MHz: offset tuning, the line 0.3 MHz above the DC spike.
    expect(first.x[0]).toBeCloseTo(1420.105752 - 1.2, 3);
    expect(await page.getByTestId('centre').textContent()).toMatch(/^1420\.1058/);
    expect(first.x[1023]! - first.x[0]!).toBeCloseTo((2.4 * 1023) / 1024, 3);
    expect(await page.getByTestId('connection').textContent()).toBe('Connected');
    expect(await page.getByTestId('dropped').textContent()).toMatch(/^\d/);
    expect(await page.getByTestId('sun').textContent()).toMatch(/^-?\d+\.\d° elevation$/);
  });

  it('shows the hydrogen line near 1420.4 MHz', async () => {
    // Let the running mean (8 spectra) fill, then read the plotted spectrum.
    await page.waitForFunction(() => /^8 × /.test(document.querySelector('[data-testid=average-count]')?.textContent ?? ''));
    await page.waitForFunction(() => /^1420\.\d{4}/.test(document.querySelector('[data-testid=hi-peak]')?.textContent ?? ''));
    const { x, y } = await plotted(page);
    const p = y.map((db) => 10 ** (db / 10));
    // Our own look for the line: a 15-channel (35 kHz) running median, which removes narrow RFI tones
    // (the sim has some) and the DC spike but keeps a line hundreds of kHz wide, leaving out the band
    // edges (the dongle's rolloff) and the centre channels.
    const skip = (j: number) => j < 102 || j > 921 || Math.abs(j - 512) <= 2;
    const s = p.map((_, j) => {
      const w: number[] = [];
      for (let k = j - 7; k <= j + 7; k++) if (k >= 0 && k < p.length && !skip(k)) w.push(p[k]!);
      w.sort((a, b) => a - b);
      return w.length ? w[w.length >> 1]! : NaN;
    });
    const kept = s.filter((_, j) => !skip(j)).sort((a, b) => a - b);
    const baseline = kept[Math.floor(kept.length / 2)]!;
    let peak = -1;
    for (let j = 0; j < s.length; j++) if (!skip(j) && (peak < 0 || s[j]! > s[peak]!)) peak = j;
    // The sim's line (1 m dish toward the sun in Taurus/Gemini, near the anticentre) lies within
    // ±30 km/s (±0.14 MHz) of the rest frequency, 10–60 % over the receiver noise.
    expect(Math.abs(x[peak]! - hiRest)).toBeLessThan(0.14);
    expect(s[peak]! / baseline - 1).toBeGreaterThan(0.1);
    expect(s[peak]! / baseline - 1).toBeLessThan(0.6);
    // The UI's readout agrees with ours to a few channels (2.3 kHz each).
    const shown = Number((await page.getByTestId('hi-peak').textContent())!.slice(0, 9));
    expect(Math.abs(shown - x[peak]!)).toBeLessThan(0.03);
    await page.screenshot({ path: join(shots, 'ui-live.png'), fullPage: true });

    // The velocity axis: radio convention, v = c (f0 − f) / f0; the centre channel (offset tuning, 0.3 MHz below the line) at +63.3 km/s,
    // where the frequency axis had 1420.1 (MHz).
    await page.getByTestId('axis-velocity').click();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=spectrum-plot]') as unknown as { data: { x: number[] }[] }).data[0]!.x[512] ?? 9999) < 1000);
    expect((await plotted(page)).x[512]).toBeCloseTo((299792.458 * (hiRest - 1420.105752)) / hiRest, 1);
    const v = await plotted(page);
    expect(v.x[0]).toBeCloseTo((299792.458 * (hiRest - x[0]!)) / hiRest, 1);
    await page.screenshot({ path: join(shots, 'ui-live-velocity.png') });
    await page.getByTestId('axis-frequency').click();
  });

  it('records 10 s into an observation that is listed, plotted and exports to FITS', async () => {
    await page.getByTestId('target').fill('Sun, e2e');
    // A timed recording: 10 s by the observation's own clock (its sample count), which ends by itself,
    // however long a loaded machine takes to get there and however many blocks it drops on the way.
    await page.getByTestId('rec-duration').fill('10');
    await page.getByTestId('record').click();
    await page.getByTestId('rec-pill').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=rec-count]')?.textContent) >= 3);
    // The header's REC pill counts along with the Record panel.
    await page.waitForFunction(() => Number(/(\d+) int/.exec(document.querySelector('[data-testid=rec-pill]')?.textContent ?? '')?.[1]) >= 3);
    await page.screenshot({ path: join(shots, 'ui-recording.png') });
    await page.getByTestId('rec-pill').waitFor({ state: 'detached', timeout: e2eTest });

    await page.getByTestId('nav-observations').click();
    const row = page.getByTestId('obs-row-1');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Sun, e2e.*spectrum.*1420\.106 MHz/);
    const integrations = Number(await row.locator('td.num').nth(1).textContent());
    // Its length, from the sample count: the 10 s asked for, to the end of the integration that reached it (0.245 s).
    expect((await row.locator('td').nth(2).textContent())!).toBe('10 s');
    const obs = (await apiCall(server.port, 'observations.get', { id: 1 })) as { start: number; end: number; status: string; drops: { fraction: number; events: number } };
    expect(obs.status).toBe('complete');
    expect(obs.end - obs.start).toBeGreaterThanOrEqual(10);
    expect(obs.end - obs.start).toBeLessThan(10.25);
    // 10 s at 0.245 s per integration (586 spectra of 1024 at 2.4 MS/s; the sim paced in real time) is 41 full
    // integrations; a loaded machine that dropped blocks has fewer full ones, and a gap ends one early (a short one).
    expect(integrations).toBeGreaterThanOrEqual(Math.floor(41 * (1 - obs.drops.fraction)) - 1);
    expect(integrations).toBeLessThanOrEqual(42 + obs.drops.events);
    await row.click();
    await page.getByTestId('obs-spectrum').locator('.main-svg').first().waitFor();
    const mean = await plotted(page, 'obs-spectrum');
    expect(mean.x).toHaveLength(1024);
    const power = await plotted(page, 'obs-power');
    expect(power.x).toHaveLength(integrations);
    await page.getByTestId('obs-filter').fill('e2e');
    expect(await page.getByTestId('obs-row-1').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'ui-observations.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-fits').click()]);
    expect(download.suggestedFilename()).toMatch(/^fringe-1-\d{8}T\d{6}Z\.fits$/);
    const fits = readFileSync((await download.path())!);
    expect(fits.subarray(0, 9).toString('latin1')).toBe('SIMPLE  =');
    expect(fits.length % 2880).toBe(0);
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    // A header, then one row per integration.
    expect(csv[0]).toMatch(/^utc,unix_s,mjd,duration_s,spectra,power_/);
    expect(csv.length - 1).toBe(integrations);

    await page.getByTestId('obs-filter').fill('no such target');
    expect(await page.getByTestId('obs-row-1').count()).toBe(0);
    await page.getByTestId('obs-filter').fill('');
    await page.getByTestId('delete').click();
    await page.getByTestId('delete-confirm').click();
    await page.getByText('No observations yet').waitFor();
  });

  it('sets the site on the Station page and shows the source in use', async () => {
    await page.getByTestId('nav-station').click();
    await expect.poll(() => page.getByTestId('source-in-use').textContent(), { timeout: e2eTest }).toBe('simulator, antenna 0 (dish) · spec sim');
    await page.getByTestId('site-name').fill('Dwingeloo');
    await page.getByTestId('site-lat').fill('52.8120');
    await page.getByTestId('site-lon').fill('6.3963');
    await page.getByTestId('site-alt').fill('25');
    await page.getByTestId('site-save').click();
    await page.getByText(/Saved Dwingeloo/).waitFor();
    const settings = JSON.parse(readFileSync(join(server.dir, 'station.json'), 'utf8'));
    expect(settings.site).toEqual({ name: 'Dwingeloo', lat: 52.812, lon: 6.3963, altitude: 25 });
    await page.getByTestId('site-lat').fill('95');
    await page.getByTestId('site-save').click();
    await page.getByTestId('error-banner').filter({ hasText: /Could not save the site: .*lat/ }).waitFor();
    await page.screenshot({ path: join(shots, 'ui-station.png') });
  });

  it('switches the source: a refused rtl_tcp server is an error banner, and the simulator keeps running (issue 10: a refused change leaves the session as it was)', async () => {
    // The waterfall's rows before the visit to the Station page (at least 20: 5 s of spectra), to compare after it.
    await page.getByTestId('nav-live').click();
    await expect.poll(() => paintedWaterfallRows(page), { timeout: e2eTest }).toBeGreaterThanOrEqual(20);
    const before = await paintedWaterfallRows(page);
    await page.getByTestId('nav-station').click();
    await page.getByTestId('endpoint-input').fill('127.0.0.1:1');
    await page.getByTestId('endpoint-add').click();
    const refused = page.getByTestId('endpoint-127.0.0.1:1');
    await refused.getByTestId('endpoint-state').filter({ hasText: /^refused/ }).waitFor();
    await refused.getByTestId('endpoint-use').click();
    await page.getByTestId('error-banner').filter({ hasText: /Could not switch to rtltcp:127\.0\.0\.1:1: .+/ }).waitFor();
    // The refusal leaves the simulator in use (the Station page's status may refresh just after the banner).
    await expect.poll(() => page.getByTestId('source-in-use').textContent(), { timeout: e2eTest }).toBe('simulator, antenna 0 (dish) · spec sim');
    await page.screenshot({ path: join(shots, 'ui-source-error.png') });
    await page.getByTestId('nav-live').click();
    await page.getByTestId('spectrum-plot').locator('.main-svg').first().waitFor();
    // The waterfall kept the rows painted before the visit (it repaints them from its history when the page returns).
    await expect.poll(() => paintedWaterfallRows(page), { timeout: e2eTest }).toBeGreaterThanOrEqual(before);
    await nextDraw(page, 'spectrum-plot');
    await page.screenshot({ path: join(shots, 'ui-live-later.png'), fullPage: true });
    // A laptop-narrow window: the side panel moves under the spectrum.
    await page.setViewportSize({ width: 900, height: 1100 });
    await plotFits(page, 'spectrum-plot');
    await page.screenshot({ path: join(shots, 'ui-live-narrow.png') });
    await page.setViewportSize({ width: 1440, height: 1000 });
    expect(consoleErrors).toEqual([]);
  });

  it('error banners replace each other instead of piling up, and clear when the next change succeeds', async () => {
    const liveBanners = page.locator('[data-testid=error-banner][data-topic=live]');
    // A frequency the Live page refuses itself, then a server the station cannot reach: one banner for the live view, the newer.
    await page.getByTestId('freq').fill('abc');
    await page.getByTestId('apply').click();
    await liveBanners.filter({ hasText: "Could not tune: 'abc' is not a frequency in MHz" }).waitFor();
    await page.getByTestId('nav-station').click();
    await page.getByTestId('endpoint-127.0.0.1:1').getByTestId('endpoint-use').click();
    await liveBanners.filter({ hasText: /Could not switch to rtltcp:127\.0\.0\.1:1: / }).waitFor();
    expect(await liveBanners.count()).toBe(1);
    // The underlying cause travels typed and the banner is headed by it.
    expect(await liveBanners.getAttribute('data-cause')).toBe('refused');
    expect(await liveBanners.textContent()).toMatch(/^Nothing listening\. Could not switch to rtltcp:127\.0\.0\.1:1: /);
    // The same failure again replaces it (still one).
    await page.getByTestId('endpoint-127.0.0.1:1').getByTestId('endpoint-use').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=error-banner][data-topic=live]').length === 1);
    await page.screenshot({ path: join(shots, 'ui-banner.png') });
    // The refused switch left the simulator running (issue 10); the next change that succeeds, a retune of it, clears the live view's banner.
    await expect.poll(() => page.getByTestId('source-in-use').textContent(), { timeout: e2eTest }).toBe('simulator, antenna 0 (dish) · spec sim');
    await page.getByTestId('nav-live').click();
    await page.getByTestId('freq').fill('1420.2');
    await page.getByTestId('apply').click();
    await liveBanners.first().waitFor({ state: 'detached' });
    await page.getByTestId('nav-station').click();
    // The site's banner (the latitude refused above) is another topic: it stayed until a good save.
    const siteBanner = page.locator('[data-testid=error-banner][data-topic=site]');
    expect(await siteBanner.count()).toBe(1);
    await page.getByTestId('site-lat').fill('52.8120');
    await page.getByTestId('site-save').click();
    await siteBanner.first().waitFor({ state: 'detached' });
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  });
});

describe.skipIf(skip)('a station with a token', { timeout: e2eTest }, () => {
  let locked: Served;
  let browser: Browser;
  const token = 'e2e-token-0123456789abcdef';

  beforeAll(async () => {
    [locked] = await Promise.all([startServer(['--token', token]), ensureUiBuilt()]);
    browser = await launchChromium();
  }, e2eSetup);
  afterAll(async () => {
    await browser?.close();
    await locked?.stop();
  });

  /** Opens a WebSocket from inside the page; resolves 'open' or 'refused'. */
  const tryWebSocket = (page: Page, url: string) =>
    page.evaluate(
      (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => (ws.close(), resolve('open'));
          ws.onerror = () => resolve('refused');
        }),
      url,
    );

  it('refuses a page without the token, and one from another origin even with it', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    expect(locked.url).toBe(`${locked.base}?token=${token}`);
    await page.goto(locked.base);
    await page.getByTestId('error-banner').filter({ hasText: /Cannot reach the station's API.*token/ }).waitFor();
    expect(await page.getByTestId('connection').textContent()).not.toBe('Connected');
    await page.screenshot({ path: join(shots, 'ui-no-token.png') });
    expect(await tryWebSocket(page, `ws://127.0.0.1:${locked.port}/api`)).toBe('refused');
    expect(await tryWebSocket(page, `ws://127.0.0.1:${locked.port}/api?token=${token}`)).toBe('open');

    // The same station reached from a page whose origin is another host name: refused, token or not.
    const foreign = await browser.newPage();
    await foreign.goto(`http://localhost:${locked.port}/`);
    expect(await tryWebSocket(foreign, `ws://127.0.0.1:${locked.port}/api?token=${token}`)).toBe('refused');

    // With the token in the page's address, as `fringe serve` prints it, the UI connects.
    await page.goto(locked.url);
    await page.waitForFunction(() => document.querySelector('[data-testid=connection]')?.textContent === 'Connected');
    expect(locked.stderr()).not.toContain(token);
  });
});
