/**
 * The "Done when" in Chromium: on a real `fringe serve --dry-run
 * 1440` (the sky clock 1440× real time, a day in a minute), a user adds
 * "drift scan at every transit of the sun" and "HI at l = 30…90 tonight"
 * through the Schedule page's form, sees them on the 24 h plan, and once the
 * station has run them finds on each job's entry its observation and its
 * result: the drift's beam and pointing, and on the survey's last point the
 * rotation curve (text and plot). Waits for the station's events as the page
 * shows them, never for a time. Screenshots: test-output/schedule-night-plan.png,
 * test-output/schedule-night-morning.png.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSite } from '../helpers/sun-site.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, ensureUiBuilt, launchChromium, shots, startServer, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

describe.skipIf(skip)('a night of jobs added on the Schedule page', { timeout: e2eTest }, () => {
  let station: Served;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    [station] = await Promise.all([startServer(['--dry-run', '1440'], (dir) => writeSite(dir)), ensureUiBuilt()]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1300 } });
    page.setDefaultTimeout(240_000);
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
  });

  it('drift at every transit of the sun and HI at l = 30…90 tonight: planned, run, results on the entries the next morning', async () => {
    await page.goto(`${station.url}#/schedule`);
    await page.getByTestId('schedule-page').waitFor();
    await page.getByTestId('no-jobs').waitFor();

    // Drift scan at every transit of the sun: 1 h centred on the transit, the station's scenario (a 2 m dish, sun-site.ts).
    await page.getByTestId('job-mode').selectOption('drift');
    await page.getByTestId('job-target').fill('sun');
    await page.getByTestId('job-start-kind').selectOption('transit');
    await page.getByTestId('job-start').fill('sun');
    await page.getByTestId('job-duration').fill('3600');
    await page.getByTestId('job-repeat').selectOption('transit');
    await page.getByTestId('job-add').click();
    await page.getByTestId('job-row-1').waitFor();
    expect(await page.getByTestId('job-row-1').textContent()).toMatch(/drift of sun · sim \(transit\)/);

    // HI at l = 30…90 tonight: from sidereal time 21:00 (l = 90° on the meridian), 10 min a point, above 5°.
    await page.getByTestId('job-mode').selectOption('survey');
    await page.getByTestId('job-l-from').fill('30');
    await page.getByTestId('job-l-to').fill('90');
    await page.getByTestId('job-l-step').fill('10');
    await page.getByTestId('job-start-kind').selectOption('lst');
    await page.getByTestId('job-start').fill('21:00');
    await page.getByTestId('job-duration').fill('600');
    await page.getByTestId('job-repeat').selectOption('none');
    await page.getByTestId('job-min-el').fill('5');
    await page.getByTestId('job-scenario').fill('hydrogen');
    await page.getByTestId('job-add').click();
    const survey = [2, 3, 4, 5, 6, 7, 8];
    await page.getByTestId('job-row-8').waitFor();
    for (const [k, id] of survey.entries()) expect(await page.getByTestId(`job-row-${id}`).textContent()).toContain(`gal:${30 + 10 * k},0 · sim · survey 2`);

    // On the plan, before they run (the sky moves at 1440×: those still ahead are drawn).
    const pending = await page.locator('[data-testid^="job-state-"]', { hasText: 'pending' }).count();
    expect(pending).toBeGreaterThan(0);
    for (const id of [1, ...survey]) {
      if ((await page.getByTestId(`job-state-${id}`).textContent()) === 'pending') await page.getByTestId(`plan-job-${id}`).waitFor();
    }
    await page.getByTestId('track-sun').waitFor();
    expect(await page.getByTestId('schedule-conflicts').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'schedule-night-plan.png'), fullPage: true });

    // The next morning: every job done, as the station's events say.
    for (const id of [1, ...survey]) await page.locator(`[data-testid="job-state-${id}"]`, { hasText: /^(done|failed|interrupted)$/ }).waitFor();
    for (const id of [1, ...survey]) {
      expect(await page.getByTestId(`job-state-${id}`).textContent(), await page.getByTestId(`job-row-${id}`).textContent() ?? '').toBe('done');
      expect(await page.getByTestId(`job-obs-${id}`).textContent()).toMatch(/^#\d+ $/);
    }
    expect(await page.getByTestId('job-result-1').textContent()).toMatch(/^drift scan \d+: beam \(HPBW\) \d\.\d\d ± 0\.\d\d°; pointing offset az -?0\.\d\d ± 0\.\d\d°/);
    const last = await page.getByTestId('job-result-8').textContent();
    expect(last).toMatch(/^HI survey of l = 30…90° by 10° at b = 0° \(jobs 2–8\): rotation curve from \d tangent points: R \d\.\d\d kpc V \d+ ± \d+ km\/s/);
    for (const id of survey.slice(0, -1)) expect(await page.getByTestId(`job-result-${id}`).textContent()).not.toMatch(/rotation curve/);
    expect(await page.locator('[data-testid="job-curve-8"] circle').count()).toBeGreaterThanOrEqual(3);
    // The sun's next transit is planned, once.
    await page.getByTestId('job-row-9').waitFor();
    expect(await page.getByTestId('job-state-9').textContent()).toBe('pending');
    expect(await page.locator('[data-testid^="job-row-"]').count()).toBe(9);
    await page.getByTestId('job-log-8').click();
    expect(await page.getByTestId('job-log').textContent()).toMatch(/point of survey 2[\s\S]*observation \d+[\s\S]*result: HI survey[\s\S]*done/);
    await page.screenshot({ path: join(shots, 'schedule-night-morning.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
