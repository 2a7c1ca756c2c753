/**
 * The Hydrogen page end to end: a real `fringe serve`, Debian's Chromium, and
 * real spectra imported with `fringe import` into the station's data folder:
 * BHARAT T_B(v_LSR) files along the plane (reduced spectrum with components
 * and the HI4PI overlay; survey → l–v diagram and rotation curve), and the
 * station's own recording of the simulator toward the inner Galaxy.
 * Screenshots go to test-output/hydrogen-*.png.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeEquatorial, galacticToEquatorial } from '../../src/astro/galactic.ts';
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

  it("the station's own recording toward the inner Galaxy at the default tuning: the range said cut by the band, and where to tune", async () => {
    // The hydrogen scenario's dish pointed at l 30°, b 0° (at its 22:00 UTC start from 52° N), recorded at the default offset tuning.
    const eq = galacticToEquatorial(30, 0);
    const aim = describeEquatorial(eq.ra, eq.dec, { name: 'sim', lat: 52, lon: 0, altitude: 0 }, new Date('2026-06-21T22:00:00Z'));
    const scenario = join(station.dir, 'l30.json');
    writeFileSync(scenario, JSON.stringify({ seed: 3, site: { lat: 52, lon: 0 }, start: '2026-06-21T22:00:00Z', antennas: [{ name: 'dish', diameter: 1.5, tsys: 90, pointing: { mode: 'fixed', az: aim.az, el: aim.el } }], sun: { enabled: false }, hydrogen: { enabled: true, lsr: true }, rfi: [] }));
    const r = await fringe(['observe', '--source', 'sim', '--scenario', scenario, '--seconds', '10', '--fast', '--json', '--db', station.dir]);
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse(r.stdout) as { id: number }).id;
    await page.fill('[data-testid=hi-id]', String(id));
    await page.click('[data-testid=hi-reduce]');
    // The page shows this observation (the plot's legend names it).
    await page.waitForFunction((n) => (document.querySelector('[data-testid=hi-plot]')?.textContent ?? '').includes(`observation ${n}`), id);
    expect(await page.textContent('[data-testid=hi-unit]')).toMatch(/^relative/);
    expect(await page.textContent('[data-testid=hi-range]')).toMatch(/^-\d+\.\d … 1[23]\d\.\d km\/s, cut by the band's low end$/);
    const notes = await page.$$eval('[data-testid=hi-spectrum-panel] p.note', (p) => p.map((x) => x.textContent ?? ''));
    expect(notes.join('\n')).toMatch(/line-free channels only above the emission window -113…150 km\/s/);
    expect(notes.join('\n')).toMatch(/tune to 1420\.\d{4} MHz \(fringe observe --freq 1420\.\d{4}M;/);
    await page.screenshot({ path: join(shots, 'hydrogen-cut.png'), fullPage: true });
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
