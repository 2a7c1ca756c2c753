/**
 * Raw IQ from the Live page, then reprocessed from the Observations page:
 * a real `fringe serve` on the simulator, Debian's Chromium, no mocks.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

describe.skipIf(skip)('raw IQ recording and reprocessing in the UI', { timeout: e2eTest }, () => {
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

  it('records raw IQ for a few seconds: the Record panel counts seconds, the observation is raw', async () => {
    await page.goto(server.url);
    await page.waitForFunction(() => ((document.querySelector('[data-testid=spectrum-plot]') as unknown as { data?: { y: number[] }[] })?.data?.[0]?.y.length ?? 0) > 0);
    await page.getByTestId('rec-mode').selectOption('raw');
    await page.getByTestId('target').fill('Sun raw');
    await page.getByTestId('record').click();
    await page.getByTestId('rec-pill').waitFor();
    // Seconds of samples written, counting up (a raw recording has no integrations).
    await page.waitForFunction(() => Number.parseFloat(document.querySelector('[data-testid=rec-count]')?.textContent ?? '0') >= 2);
    await page.screenshot({ path: join(shots, 'raw-recording.png') });
    await page.getByTestId('record').click();
    await page.getByTestId('rec-pill').waitFor({ state: 'detached' });
    await page.getByTestId('nav-observations').click();
    const row = page.getByTestId('obs-row-1');
    // Complete once the stop has closed the SigMF file (the list reloads then); a loaded disk takes longer.
    await row.filter({ hasText: /complete/ }).waitFor();
    expect(await row.textContent()).toMatch(/Sun raw.*raw.*complete/);
  }, e2eTest);

  it('reprocesses it at 256 channels with progress into a new observation that opens with its spectrum', async () => {
    await page.getByTestId('obs-row-1').click();
    await page.getByTestId('reprocess').waitFor();
    await page.getByTestId('reprocess-channels').selectOption('256');
    await page.getByTestId('reprocess-integration').fill('0.25');
    await page.getByTestId('reprocess-start').click();
    await page.waitForFunction(() => /^100 % · done: observation 2/.test(document.querySelector('[data-testid=reprocess-message]')?.textContent ?? ''));
    await page.screenshot({ path: join(shots, 'raw-reprocessed.png') });
    // The new observation is listed; opened, it is plotted: 256 channels.
    await page.getByTestId('obs-row-2').waitFor();
    await page.getByTestId('reprocess-open').click();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=obs-spectrum]') as unknown as { data?: { x: number[] }[] })?.data?.[0]?.x.length ?? 0) === 256);
    expect(await page.getByTestId('obs-row-2').textContent()).toMatch(/Sun raw.*spectrum.*complete/);
    await page.screenshot({ path: join(shots, 'raw-reprocessed-open.png') });
    expect(consoleErrors).toEqual([]);
  }, e2eTest);
});
