/**
 * The Hydrogen page's switching and editors end to end: a real `fringe serve`
 * on the hydrogen scenario, Debian's Chromium. A frequency- and a
 * position-switched observation recorded from the page and reduced in kelvin
 * (the scenario's line near +5 km/s LSR, about 32 K); the baseline's
 * line-free ranges shown, edited and applied; the persistent RFI mask filled
 * by a drag across the spectrum, added, listed (the reduction then flags it)
 * and removed. Screenshots go to test-output/hydrogen-switch-*.png.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, openSession, plotFits, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

describe.skipIf(skip)('the Hydrogen page: switching, baseline and mask', { timeout: e2eTest }, () => {
  let station: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ server: station, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1600 }, {
      prepare: (dir) => writeFileSync(join(dir, 'station.json'), JSON.stringify({ scenario: 'hydrogen' })),
    }));
    await page.goto(`${station.base}#/hydrogen`);
    await page.click('[data-testid=nav-hydrogen]');
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
  });

  /** The first (brightest) component's v_LSR and peak, from its table cells. */
  const componentPeak = async () => {
    const cells = await page.$$eval('[data-testid=hi-components] tbody tr:first-child td', (t) => t.map((x) => x.textContent ?? ''));
    return { v: parseFloat(cells[1] ?? ''), peak: parseFloat(cells[2] ?? ''), row: cells.join(' | ') };
  };

  /** Every text the progress line shows from now on, in order (a MutationObserver on the panel: no state is missed between polls). */
  const watchProgress = () => page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    const panel = document.querySelector('[data-testid=hi-switch-panel]')!;
    new MutationObserver(() => {
      const t = panel.querySelector('[data-testid=hi-switch-progress-text]')?.textContent ?? '';
      if (t && t !== seen.at(-1)) seen.push(t);
    }).observe(panel, { subtree: true, childList: true, characterData: true });
  });
  const progressSeen = () => page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);

  it('records a frequency-switched observation from the page, its progress line following the LO settings and cycles, and shows it reduced in kelvin', async () => {
    await page.selectOption('[data-testid=hi-switch-kind]', 'frequency');
    await page.fill('[data-testid=hi-switch-seconds]', '4');
    await page.fill('[data-testid=hi-switch-cycles]', '2');
    await page.fill('[data-testid=hi-switch-tsys]', '90');
    await watchProgress();
    await page.click('[data-testid=hi-switch-record]');
    await page.waitForSelector('[data-testid=hi-switch-done]');
    // The line changed during the run, in order: phase and cycle as they came, the percentage never falling (React may
    // draw two quick events as one, so not every state need show), then the outcome at 100 %.
    const seen = await progressSeen();
    const running = seen.slice(0, -1).map((t) => /^(\d+) %: (lo|hi|retuning), cycle ([12]) of 2, \d+ integrations?$/.exec(t));
    expect(running.length, seen.join(' / ')).toBeGreaterThanOrEqual(2);
    expect(running.every((m) => m !== null), seen.join(' / ')).toBe(true);
    for (let i = 1; i < running.length; i++) {
      expect(Number(running[i]![1]), seen.join(' / ')).toBeGreaterThanOrEqual(Number(running[i - 1]![1]));
      expect(Number(running[i]![3]), seen.join(' / ')).toBeGreaterThanOrEqual(Number(running[i - 1]![3]));
    }
    // Each phase lasts a quarter of the run, reported every 2 %: the hi setting and the second cycle were each shown.
    expect(running.some((m) => m![2] === 'hi'), seen.join(' / ')).toBe(true);
    expect(running.some((m) => m![3] === '2'), seen.join(' / ')).toBe(true);
    expect(seen.at(-1)).toMatch(/^100 %: observation \d+ complete: 2 cycles, \d+ integrations$/);
    expect(await page.getAttribute('[data-testid=hi-switch-progress] progress', 'value')).toBe('1');
    expect(await page.textContent('[data-testid=hi-switch-done]')).toMatch(/^Observation \d+ complete: \d+ integrations recorded in 2 cycles\.$/);
    await page.waitForSelector('[data-testid=hi-components] tbody tr');
    await plotFits(page, 'hi-plot');
    expect(await page.textContent('[data-testid=hi-unit]')).toMatch(/^kelvin: frequency switched .* T_sys 90 K, folded/);
    expect(await page.textContent('[data-testid=hi-frame]')).toMatch(/^LSR/);
    expect(await page.textContent('[data-testid=hi-switching]')).toMatch(/^frequency: 2 complete cycles used \(of 2 asked\), \d+ integrations; \d+ not used/);
    const c = await componentPeak();
    expect(c.v, c.row).toBeGreaterThan(3);
    expect(c.v, c.row).toBeLessThan(8);
    expect(c.peak, c.row).toBeGreaterThan(28);
    expect(c.peak, c.row).toBeLessThan(36);
    await page.screenshot({ path: join(shots, 'hydrogen-switch-frequency.png'), fullPage: true });
  });

  it('shows the baseline\'s automatic line-free ranges and reduces with the ranges edited', async () => {
    expect(await page.textContent('[data-testid=hi-baseline]')).toMatch(/chosen automatically/);
    await page.click('[data-testid=hi-baseline-edit]');
    expect(await page.inputValue('[data-testid=hi-line-free]')).toMatch(/^-?[\d.]+:-?[\d.]+/);
    await page.fill('[data-testid=hi-line-free]', '-140:-60, 60:140');
    await page.click('[data-testid=hi-reduce]');
    await page.waitForFunction(() => /given/.test(document.querySelector('[data-testid=hi-baseline]')?.textContent ?? ''));
    // Every range the baseline used lies inside those given (less the band's edge and flagged channels), on both sides.
    const text = (await page.textContent('[data-testid=hi-baseline]')) ?? '';
    expect(text).toMatch(/km\/s \(given\)/);
    const used = [...text.matchAll(/(-?[\d.]+)…(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(used.length).toBeGreaterThan(1);
    for (const [a, b] of used) expect((a >= -141 && b <= -59) || (a >= 59 && b <= 141), text).toBe(true);
    expect(used.some(([a]) => a < 0) && used.some(([a]) => a > 0), text).toBe(true);
    await page.fill('[data-testid=hi-line-free]', '20:10');
    await page.click('[data-testid=hi-reduce]');
    expect(await page.textContent('[data-testid=hi-problem]')).toMatch(/line-free ranges as LO:HI/);
    await page.fill('[data-testid=hi-line-free]', '');
    await page.click('[data-testid=hi-reduce]');
    await page.waitForFunction(() => /chosen automatically/.test(document.querySelector('[data-testid=hi-baseline]')?.textContent ?? ''));
  });

  it('fills the mask range by a drag across the spectrum, saves it (the reduction flags it), lists and removes it', async () => {
    expect(await page.textContent('[data-testid=hi-masked]')).toMatch(/^0 channels/);
    const box = (await page.locator('[data-testid=hi-plot] .nsewdrag').first().boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.38, y, { steps: 8 });
    await page.mouse.move(box.x + box.width * 0.45, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=hi-mask-lo]') as HTMLInputElement | null)?.value ?? '') !== '');
    const lo = Number(await page.inputValue('[data-testid=hi-mask-lo]')), hi = Number(await page.inputValue('[data-testid=hi-mask-hi]'));
    expect(hi - lo).toBeGreaterThan(5);
    await page.fill('[data-testid=hi-mask-note]', 'test carrier');
    await page.click('[data-testid=hi-mask-add]');
    await page.waitForSelector('[data-testid=hi-mask-list] tbody tr');
    expect(await page.textContent('[data-testid=hi-mask-list] tbody tr')).toMatch(new RegExp(`${lo}.*${hi}.*test carrier`));
    // The spectrum is reduced again with the saved range flagged.
    await page.waitForFunction(() => !/^0 channels/.test(document.querySelector('[data-testid=hi-masked]')?.textContent ?? ''));
    expect(await page.textContent('[data-testid=hi-masked]')).toMatch(new RegExp(`^[1-9]\\d* channels in ${lo}…${hi} km/s`));
    await page.screenshot({ path: join(shots, 'hydrogen-switch-mask.png'), fullPage: true });
    // Typed numbers, refused when reversed.
    await page.fill('[data-testid=hi-mask-lo]', '30');
    await page.fill('[data-testid=hi-mask-hi]', '20');
    await page.click('[data-testid=hi-mask-add]');
    expect(await page.textContent('[data-testid=hi-mask-problem]')).toMatch(/the lower first/);
    await page.click('[data-testid=hi-mask-remove-0]');
    await page.waitForSelector('[data-testid=hi-mask-empty]');
    await page.waitForFunction(() => /^0 channels/.test(document.querySelector('[data-testid=hi-masked]')?.textContent ?? ''));
  });

  it('records a position-switched observation through the simulated rotator (off 60° higher in b)', async () => {
    await page.fill('[data-testid=hi-switch-cycles]', 'x');
    await page.click('[data-testid=hi-switch-record]');
    expect(await page.textContent('[data-testid=hi-switch-problem]')).toMatch(/whole number of cycles/);
    await page.selectOption('[data-testid=hi-switch-kind]', 'position');
    await page.fill('[data-testid=hi-switch-cycles]', '1');
    await page.fill('[data-testid=hi-switch-off]', '60');
    await page.selectOption('[data-testid=hi-switch-off-axis]', 'b');
    const before = await page.textContent('[data-testid=hi-switch-done]');
    await page.click('[data-testid=hi-switch-record]');
    await page.waitForFunction((b) => (document.querySelector('[data-testid=hi-switch-done]')?.textContent ?? '') !== b, before);
    await page.waitForFunction(() => /position switched/.test(document.querySelector('[data-testid=hi-unit]')?.textContent ?? ''));
    const c = await componentPeak();
    expect(c.v, c.row).toBeGreaterThan(2);
    expect(c.v, c.row).toBeLessThan(8);
    expect(c.peak, c.row).toBeGreaterThan(27);
    await page.screenshot({ path: join(shots, 'hydrogen-switch-position.png'), fullPage: true });
  });

  it('records position switching with the off position named as a direction (l, b), refusing one typed wrong', async () => {
    await page.selectOption('[data-testid=hi-switch-kind]', 'position');
    await page.selectOption('[data-testid=hi-switch-off-axis]', 'gal');
    await page.fill('[data-testid=hi-switch-off]', '70.6');
    await page.click('[data-testid=hi-switch-record]');
    expect(await page.textContent('[data-testid=hi-switch-problem]')).toMatch(/as l,b in degrees/);
    // The scenario's dish is at l 70.6°, b 8.2°: off at b 68.2° (where the offset case above went, little HI).
    await page.fill('[data-testid=hi-switch-off]', '70.6, 68.2');
    const before = await page.textContent('[data-testid=hi-switch-done]');
    await page.click('[data-testid=hi-switch-record]');
    await page.waitForFunction((b) => /complete/.test(document.querySelector('[data-testid=hi-switch-done]')?.textContent ?? '') && document.querySelector('[data-testid=hi-switch-done]')?.textContent !== b, before);
    await page.waitForFunction(() => /position switched/.test(document.querySelector('[data-testid=hi-unit]')?.textContent ?? ''));
    const c = await componentPeak();
    expect(c.v, c.row).toBeGreaterThan(2);
    expect(c.v, c.row).toBeLessThan(8);
    expect(c.peak, c.row).toBeGreaterThan(27);
  });

  it('stops a long switched observation from the page: Stop ends it interrupted, the cycle recorded is reduced', async () => {
    await page.selectOption('[data-testid=hi-switch-kind]', 'frequency');
    await page.fill('[data-testid=hi-switch-seconds]', '600');
    await page.fill('[data-testid=hi-switch-cycles]', '20');
    await page.click('[data-testid=hi-switch-record]');
    await page.waitForFunction(() => /cycle 2 of 20/.test(document.querySelector('[data-testid=hi-switch-progress-text]')?.textContent ?? ''));
    await page.screenshot({ path: join(shots, 'hydrogen-switch-progress.png'), fullPage: true });
    await page.click('[data-testid=hi-switch-stop]');
    await page.waitForFunction(() => /interrupted/.test(document.querySelector('[data-testid=hi-switch-done]')?.textContent ?? ''));
    expect(await page.textContent('[data-testid=hi-switch-done]')).toMatch(/^Observation \d+ interrupted: \d+ integrations recorded \(of 20 cycles asked\)\.$/);
    expect(await page.textContent('[data-testid=hi-switch-progress-text]')).toMatch(/^\d+ %: observation \d+ interrupted: [1-9]\d* of 20 cycles/);
    await page.waitForFunction(() => /^frequency: [1-9]\d* complete cycles used \(of 20 asked\)/.test(document.querySelector('[data-testid=hi-switching]')?.textContent ?? ''));
    expect(await page.getByTestId('hi-switch-stop').count()).toBe(0);
    await page.waitForFunction(() => /frequency switched \(.*\): [1-9]\d* cycles? of/.test(document.querySelector('[data-testid=hi-unit]')?.textContent ?? ''));
    expect(consoleErrors).toEqual([]);
  });
});
