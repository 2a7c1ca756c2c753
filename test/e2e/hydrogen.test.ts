/**
 * The Hydrogen page end to end: a real `fringe serve`, Debian's Chromium, and
 * real spectra imported with `fringe import` into the station's data folder:
 * BHARAT T_B(v_LSR) files along the plane (reduced spectrum with components
 * and the HI4PI overlay; survey → l–v diagram and rotation curve).
 * Screenshots go to test-output/hydrogen-*.png.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { fringe } from '../src/cli/commands/run-fringe.ts';
import { e2eSetup, e2eTest, openSession, plotFits, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));
const bharat = (l: number) => fileURLToPath(new URL(`../../../shared/data/real/hi-bharat-horn-rtlsdr/${String(l).padStart(3, '0')}.csv`, import.meta.url));

describe.skipIf(skip)('the Hydrogen page', { timeout: e2eTest }, () => {
  let station: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  const ids: Record<number, number> = {};

  beforeAll(async () => {
    ({ server: station, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1400 }));
    for (const l of [10, 20, 30, 40, 50, 60, 70, 80]) {
      const r = await fringe(['import', bharat(l), '--l', String(l), '--b', '0', '--json', '--db', station.dir]);
      expect(r.code, r.stderr).toBe(0);
      ids[l] = (JSON.parse(r.stdout) as number[])[0]!;
    }
    await page.goto(`${station.base}#/hydrogen`);
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
  });

  it('reduces an observation: T (K) against v_LSR with its components and the HI4PI profile of the same longitude', async () => {
    await page.click('[data-testid=nav-hydrogen]');
    await page.fill('[data-testid=hi-id]', String(ids[30]));
    await page.click('[data-testid=hi-reduce]');
    await page.waitForSelector('[data-testid=hi-components] tbody tr');
    await plotFits(page, 'hi-plot');
    expect(await page.textContent('[data-testid=hi-frame]')).toMatch(/^LSR/);
    expect(await page.textContent('[data-testid=hi-unit]')).toMatch(/^kelvin/);
    expect(await page.textContent('[data-testid=hi-overlay]')).toMatch(/HI4PI.*l 30°/);
    expect(await page.textContent('[data-testid=hi-range]')).toMatch(/km\/s/);
    // Two traces: the observation and the survey profile.
    expect(await page.$$eval('[data-testid=hi-plot] .scatterlayer .trace', (t) => t.length)).toBe(2);
    expect(await page.textContent('[data-testid=hi-plot] .xtitle')).toBe('v_LSR (km/s)');
    const rows = await page.$$eval('[data-testid=hi-components] tbody tr', (r) => r.map((x) => x.textContent ?? ''));
    expect(rows.length).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'hydrogen-spectrum.png'), fullPage: true });
  });

  it('says what is wrong with a bad id instead of calling', async () => {
    await page.fill('[data-testid=hi-id]', 'abc');
    await page.click('[data-testid=hi-reduce]');
    expect(await page.textContent('[data-testid=hi-problem]')).toMatch(/one observation id/);
  });

  it('builds the survey: l–v diagram and rotation curve images, one tangent point per longitude', async () => {
    await page.fill('[data-testid=hi-survey-ids]', Object.values(ids).join(', '));
    await page.click('[data-testid=hi-survey]');
    await page.waitForSelector('[data-testid=hi-points] tbody tr');
    expect(await page.$$eval('[data-testid=hi-points] tbody tr', (r) => r.length)).toBe(8);
    expect(await page.textContent('[data-testid=hi-survey-summary]')).toMatch(/8 tangent points; mean V \d+/);
    // Both images decoded (naturalWidth > 0: the SVG data URLs are valid images under the page's CSP).
    for (const id of ['hi-lv', 'hi-rotation']) {
      await page.waitForFunction((sel) => { const im = document.querySelector(sel) as HTMLImageElement | null; return !!im && im.complete && im.naturalWidth > 0; }, `[data-testid=${id}]`);
    }
    await page.screenshot({ path: join(shots, 'hydrogen-survey.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
