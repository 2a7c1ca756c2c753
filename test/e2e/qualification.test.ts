/**
 * The Qualification page end to end: Chromium on a real `fringe serve` runs
 * the suite twice (only some requirements, to stay short), watches the
 * progress reach its end, opens a report and compares the two. Screenshots in
 * test-output/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

describe.skipIf(skip)('the Qualification page', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser, page, consoleErrors } = await openSession({ width: 1280, height: 1000 }));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const runOnly = async (ids: string, reports: number) => {
    await page.getByTestId('qualify-only').fill(ids);
    await page.getByTestId('qualify-run').click();
    await page.getByTestId('qualify-message').filter({ hasText: /finished: PASS/ }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=qualify-report-row]').length === n, reports);
  };

  it('runs the suite with progress, lists the reports, opens one, and compares two', async () => {
    await page.goto(server.url.replace(/\/(\?|$)/, '/#/qualification$1'));
    await page.getByTestId('qualify-empty').waitFor();
    await runOnly('COR-PFB-*', 1);
    expect(await page.getByTestId('qualify-progress').getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('qualify-log').textContent()).toMatch(/COR-PFB-RIPPLE PASS/);
    await runOnly('COR-PFB-* COR-SK', 2);

    // The newest report first; open it: its requirements with limits, values and verdicts.
    await page.getByTestId('qualify-open').first().click();
    await page.getByTestId('qualify-report').waitFor();
    const rows = page.getByTestId('qualify-requirement');
    expect(await rows.count()).toBe(5);
    expect(await rows.evaluateAll((r) => r.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('data-verdict')}`))).toEqual([
      'COR-PFB-WIDTH:pass', 'COR-PFB-ADJACENT:pass', 'COR-PFB-FAR:pass', 'COR-PFB-RIPPLE:pass', 'COR-SK:pass',
    ]);
    expect(await page.getByTestId('qualify-requirement').first().textContent()).toMatch(/0\.7 … 1 channels.*0\.77\d* channels.*PASS/);
    await page.screenshot({ path: join(shots, 'qualification-report.png'), fullPage: true });

    // Compare: the PFB's figures are deterministic (the same in both), COR-SK only in the newer.
    await page.getByTestId('qualify-pick').nth(0).check();
    await page.getByTestId('qualify-pick').nth(1).check();
    await page.getByTestId('qualify-compare').click();
    await page.getByTestId('qualify-comparison').waitFor();
    const changes = await page.getByTestId('qualify-compare-row').evaluateAll((r) => r.map((e) => `${e.getAttribute('data-id')}:${e.getAttribute('data-change')}`));
    expect(changes).toEqual(['COR-PFB-WIDTH:same', 'COR-PFB-ADJACENT:same', 'COR-PFB-FAR:same', 'COR-PFB-RIPPLE:same', 'COR-SK:only B']);
    await page.screenshot({ path: join(shots, 'qualification-compare.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
