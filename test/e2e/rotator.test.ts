/**
 * The rotator end to end: Chromium on the Station page of a real
 * `fringe serve` on the simulator connects the simulated mount, moves it,
 * watches the readout follow, meets a limit as a banner, points at the sun
 * and sees the position on the Live page. Screenshots in test-output/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerSim, gs232Responder } from '../../devices/rotator/index.ts';
import { ptyPair } from '../devices/rotator/helpers.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, nextDraw, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium') ?? tools.command('socat'));

const degrees = (s: string | null) => Number((s ?? '').replace('°', ''));

describe.skipIf(skip)('the rotator on the Station page', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1100 }));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('connects the simulated mount, moves it with the readout following, refuses a limit, points at the sun', async () => {
    await page.goto(server.url.replace(/\/(\?|$)/, '/#/station$1'));
    await page.getByTestId('rotator-panel').waitFor();
    expect(await page.getByTestId('rotator-az').textContent()).toBe('—');
    await page.getByTestId('rotator-driver').selectOption('sim');
    await page.getByTestId('rotator-connect').click();
    await page.getByTestId('rotator-connected').filter({ hasText: /Simulated mount/ }).waitFor();
    // The simulated mount starts parked, at the zenith.
    await page.waitForFunction(() => document.querySelector('[data-testid=rotator-el]')?.textContent === '90.0°');
    expect(await page.getByTestId('rotator-limits').textContent()).toMatch(/az 0…360° · el 0…90°/);

    await page.getByTestId('rotator-goto-az').fill('120');
    await page.getByTestId('rotator-goto-el').fill('60');
    await page.getByTestId('rotator-goto').click();
    await page.getByTestId('rotator-state').filter({ hasText: 'slewing to az 120.0° el 60.0°' }).waitFor();
    // The readout moves with the mount (6°/s in azimuth, 3°/s in elevation).
    await page.waitForFunction(() => {
      const az = Number(document.querySelector('[data-testid=rotator-az]')?.textContent?.replace('°', ''));
      return az > 10 && az < 110;
    });
    await page.screenshot({ path: join(shots, 'ui-rotator-slewing.png') });
    await page.getByTestId('rotator-state').filter({ hasText: /^stopped$/ }).waitFor();
    expect(Math.abs(degrees(await page.getByTestId('rotator-az').textContent()) - 120)).toBeLessThanOrEqual(1);
    expect(Math.abs(degrees(await page.getByTestId('rotator-el').textContent()) - 60)).toBeLessThanOrEqual(1);

    // Beyond the mount's limits: the station's message as a banner, nothing moves.
    await page.getByTestId('rotator-goto-el').fill('95');
    await page.getByTestId('rotator-goto').click();
    await page.getByTestId('error-banner').filter({ hasText: 'Could not move the rotator to az 120.0° el 95.0°: elevation 95° is above the upper limit elMax=90°' }).waitFor();

    // The simulated sky's sun (52° N, 2026-06-21 12:00 UTC): near the meridian at ≈ 61.5°.
    const sunText = await page.getByTestId('rotator-sun-pos').textContent();
    const m = /az ([\d.]+)° el ([\d.]+)°/.exec(sunText ?? '');
    expect(m).not.toBeNull();
    const [sunAz, sunEl] = [Number(m![1]), Number(m![2])];
    expect(sunEl).toBeGreaterThan(60);
    expect(sunEl).toBeLessThan(63);
    await page.getByTestId('rotator-sun').click();
    await page.getByTestId('rotator-state').filter({ hasText: /slewing to/ }).waitFor();
    await page.getByTestId('rotator-state').filter({ hasText: /^stopped$/ }).waitFor();
    expect(Math.abs(degrees(await page.getByTestId('rotator-az').textContent()) - sunAz)).toBeLessThanOrEqual(1.5);
    expect(Math.abs(degrees(await page.getByTestId('rotator-el').textContent()) - sunEl)).toBeLessThanOrEqual(1.5);
    await page.screenshot({ path: join(shots, 'ui-rotator.png'), fullPage: true });

    // The Live page shows where the dish points.
    await page.getByTestId('nav-live').click();
    await page.waitForFunction(() => /^\d+\.\d° \/ \d+\.\d°$/.test(document.querySelector('[data-testid=dish]')?.textContent ?? ''));
    const dish = (await page.getByTestId('dish').textContent())!;
    expect(Math.abs(Number(dish.split(' / ')[0]!.replace('°', '')) - sunAz)).toBeLessThanOrEqual(1.5);
    await nextDraw(page, 'spectrum-plot');
    await page.screenshot({ path: join(shots, 'ui-rotator-live.png') });

    // Disconnect: the readout clears.
    await page.getByTestId('nav-station').click();
    await page.getByTestId('rotator-disconnect').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=rotator-az]')?.textContent === '—');
    expect(consoleErrors).toEqual([]);
  }, e2eTest);

  it('shows a GS-232B controller that stops answering mid-move as a banner, and the rotator as disconnected', async () => {
    const pair = await ptyPair();
    const sim = await ControllerSim.start((m) => gs232Responder('b', m), { path: pair.b, mount: { azRate: 5, elRate: 5, start: { az: 10, el: 10 } } });
    try {
      await page.getByTestId('rotator-driver').selectOption('gs232b');
      await page.getByTestId('rotator-port').fill(pair.a);
      await page.getByTestId('rotator-connect').click();
      await page.getByTestId('rotator-connected').filter({ hasText: `Yaesu GS-232B · ${pair.a}` }).waitFor();
      await page.getByTestId('rotator-goto-az').fill('150');
      await page.getByTestId('rotator-goto-el').fill('40');
      await page.getByTestId('rotator-goto').click();
      await page.getByTestId('rotator-state').filter({ hasText: 'slewing to az 150.0° el 40.0°' }).waitFor();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=rotator-az]')?.textContent?.replace('°', '')) > 11);
      sim.muted = true;
      await page.getByTestId('error-banner').filter({ hasText: `Rotator disconnected: ${pair.a}: no ` }).waitFor();
      await page.getByTestId('rotator-panel').getByText('not connected').waitFor();
      expect(await page.getByTestId('rotator-az').textContent()).toBe('—');
      await page.screenshot({ path: join(shots, 'ui-rotator-silent.png') });
    } finally {
      await sim.close();
      await pair.close();
    }
  }, e2eTest);
});
