/**
 * The Schedule page end to end: a real `fringe serve` on the simulator and
 * Debian's Chromium. A job added through the form runs on the station and
 * shows its observation and log; a transit job appears on the 24 h plan with
 * its target's elevation curve; an overlapping job is refused in words.
 * Screenshot: test-output/schedule.png.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

describe.skipIf(skip)('the Schedule page', { timeout: e2eTest }, () => {
  let station: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server: station, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1100 }));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
  });

  it('adds a job that runs on the station, with its observation and log', async () => {
    await page.goto(`${station.base}#/schedule`);
    await page.getByTestId('schedule-page').waitFor();
    await page.getByTestId('no-jobs').waitFor();
    await page.getByTestId('job-mode').selectOption('totalpower');
    await page.getByTestId('job-target').fill('Cas A');
    await page.getByTestId('job-start-kind').selectOption('in');
    await page.getByTestId('job-start').fill('1');
    await page.getByTestId('job-duration').fill('3');
    await page.getByTestId('job-add').click();
    await page.getByTestId('job-row-1').waitFor();
    // Waits for the station's 'schedule' events to say it is done.
    await page.locator('[data-testid="job-state-1"]', { hasText: 'done' }).waitFor();
    expect(await page.getByTestId('job-obs-1').textContent()).toMatch(/#1/);
    await page.getByTestId('job-log-1').click();
    await page.getByTestId('job-log').waitFor();
    expect(await page.getByTestId('job-log').textContent()).toMatch(/started .* after its planned start[\s\S]*observation 1[\s\S]*done/);
  });

  it('plans a transit job on the timeline with its target’s elevation, and refuses an overlap in words', async () => {
    await page.getByTestId('job-mode').selectOption('spectrum');
    await page.getByTestId('job-target').fill('Cyg A');
    await page.getByTestId('job-start-kind').selectOption('transit');
    await page.getByTestId('job-start').fill('Cyg A');
    await page.getByTestId('job-duration').fill('1800');
    await page.getByTestId('job-add').click();
    await page.getByTestId('job-row-2').waitFor();
    await page.getByTestId('plan-job-2').waitFor();
    await page.getByTestId('track-Cyg A').waitFor();
    await page.getByTestId('track-sun').waitFor();
    expect(await page.getByTestId('job-state-2').textContent()).toBe('pending');
    // The same window again: refused by the station, said in the banner.
    await page.getByTestId('job-add').click();
    await page.getByText(/overlaps job 2/).first().waitFor();
    expect(await page.locator('[data-testid^="job-row-"]').count()).toBe(2);
    await page.screenshot({ path: join(shots, 'schedule.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
