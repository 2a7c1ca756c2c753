/**
 * Coherent groups end to end: Chromium on a real `fringe serve` chooses the
 * simulator's interferometer scenario (three antennas: west, east, north),
 * opens it as one group from the Station page, and the Live page shows what
 * a group adds: the delays measured when it started, one total-power trace
 * per input, an input picker that switches the spectrum, and the baselines'
 * coherence. Then two rtl_tcp servers (the simulator's antennas 0 and 1,
 * each served by its own `fringe sim --rtl-tcp` process) are opened as a group from the endpoints list.
 * Screenshots in test-output/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSpectrum } from '../../src/api/codec.ts';
import { scenarioDir } from '../../src/engine/sources.ts';
import type { SpectrumEvent } from '../../src/api/types.ts';
import { startSimChild, type SimChild } from '../helpers/sim-child.ts';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, e2eWait, nextDraw, openSession, paintedWaterfallRows, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

type Trace = { x: number[]; y: number[]; name?: string };

/** The traces of a plot as plotly holds them. */
function traces(page: Page, testId: string): Promise<Trace[]> {
  return page.$eval(`[data-testid=${testId}]`, (el) =>
    ((el as unknown as { data?: Trace[] }).data ?? []).map((d) => ({ x: Array.from(d.x ?? []), y: Array.from(d.y ?? []), name: d.name })),
  );
}

/**
 * The spectra the station sends, received beside the page on our own
 * WebSocket (the same events, decoded by the UI's codec): the last 40.
 */
function listen(port: number): { events: SpectrumEvent[]; close(): void } {
  const events: SpectrumEvent[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`);
  ws.on('message', (data, binary) => {
    if (!binary) return;
    const buf = data as Buffer;
    events.push(decodeSpectrum(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)));
    if (events.length > 40) events.shift();
  });
  return { events, close: () => ws.close() };
}

/**
 * Which input of which spectrum a plotted spectrum (dB, the running mean
 * off) is: the input whose 10·log10(power) equals it channel for channel,
 * or null. Independent receiver noise makes two inputs' spectra differ in
 * nearly every channel, so at most one input matches.
 */
function identify(y: number[], events: SpectrumEvent[]): { input: number; time: number } | null {
  for (const e of events) {
    for (let i = 0; i < e.power.length; i++) {
      const p = e.power[i]!;
      if (p.length === y.length && y.every((v, j) => (p[j]! > 0 ? Math.abs(v - 10 * Math.log10(p[j]!)) < 1e-9 : v === null || Number.isNaN(v)))) return { input: i, time: e.time };
    }
  }
  return null;
}

/**
 * Waits until the plotted spectrum is one of the spectra received (the page and our socket get each at
 * about the same time): checked again on each redraw of the plot.
 */
async function shownInput(page: Page, events: SpectrumEvent[]): Promise<{ input: number; time: number }> {
  const deadline = Date.now() + e2eWait;
  while (Date.now() < deadline) {
    const [t] = await traces(page, 'spectrum-plot');
    const found = t && identify(t.y, events);
    if (found) return found;
    await nextDraw(page, 'spectrum-plot').catch(() => {});
  }
  throw new Error('the plotted spectrum matches no input of the last 40 spectra');
}

describe.skipIf(skip)('a coherent group in the UI', { timeout: e2eTest }, () => {
  let server: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  const rtlTcp: SimChild[] = [];

  beforeAll(async () => {
    ({ server, browser, page, consoleErrors } = await openSession({ width: 1440, height: 1000 }));
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const s of rtlTcp) await s.stop();
  });

  it('opens the interferometer scenario as a group from the Station page; the delay notice names the measured delays', async () => {
    await page.goto(server.url.replace(/\/(\?|$)/, '/#/station$1'));
    await page.getByTestId('sources-panel').waitFor();
    // A one-antenna scenario offers no interferometer.
    await page.locator('[data-testid=sim-row].on').waitFor();
    expect(await page.getByTestId('sim-group-use').count()).toBe(0);
    await page.getByTestId('scenario-select').selectOption('interferometer');
    const button = page.getByTestId('sim-group-use');
    await button.filter({ hasText: 'Use as interferometer (3 antennas)' }).waitFor();
    await button.click();
    await page.waitForFunction(() => / · spec group:sim:0,sim:1,sim:2$/.test(document.querySelector('[data-testid=source-in-use]')?.textContent ?? ''));
    expect(await page.getByTestId('source-in-use').textContent()).toMatch(/^group of 3: sim: antenna 0 \(west\), sim: antenna 1 \(east\), sim: antenna 2 \(north\)/);
    expect(await page.getByTestId('source-pill').textContent()).toBe('Simulator · interferometer · 3 antennas');
    // The simulator's row stays lit, the group tagged; its button is spent while the group runs.
    await page.locator('[data-testid=sim-row].on').getByText('in use as a group').waitFor();
    expect(await button.isDisabled()).toBe(true);
    // The scenario's sample offsets are west 0, east 1234, north 517: lined up on east, west is read 1234 samples on, north 717.
    // Real time, the margin this relies on: the calibration reads 2^20 samples (0.44 s) of each of 3 inputs at 2.4 MS/s
    // from the paced simulator without a gap. An idle 2-core machine keeps up; at a load average of ~20 (measured: 22)
    // the simulator falls behind, drops blocks, and the notice says the delays could not be measured instead.
    const notice = page.getByTestId('notice').filter({ hasText: 'Group delays measured' });
    await notice.waitFor();
    const text = (await notice.textContent())!;
    expect(text).toContain('0: 1234, 1: 0, 2: 717');
    // 1234 samples at 2.4 MS/s.
    expect(text).toContain('1,234 samples is 514 µs at 2.400 MS/s');
    await page.screenshot({ path: join(shots, 'group-station.png'), fullPage: true });
  });

  it('plots every input, switches the spectrum and the waterfall between inputs, and shows three coherent baselines', async () => {
    await page.getByTestId('nav-live').click();
    // One total-power trace per input, named for the legend.
    await page.waitForFunction(() => ((document.querySelector('[data-testid=power-plot]') as unknown as { data?: unknown[] })?.data?.length ?? 0) === 3);
    const power = await traces(page, 'power-plot');
    expect(power.map((t) => t.name)).toEqual(['input 0 · west', 'input 1 · east', 'input 2 · north']);
    expect(await page.locator('[data-testid=power-plot] .legend .traces').count()).toBe(3);
    // The three antennas see the same sky through equal receivers: their total powers agree to a few tenths of a dB.
    await page.waitForFunction(() => ((document.querySelector('[data-testid=power-plot]') as unknown as { data: { y: number[] }[] }).data[2]!.y.length ?? 0) >= 8);
    const last = (await traces(page, 'power-plot')).map((t) => t.y.at(-1)!);
    expect(Math.max(...last) - Math.min(...last)).toBeLessThan(0.5);

    expect(await page.getByTestId('input-picker').textContent()).toBe('0west1east2north');
    // The running mean off, the spectrum plotted is one input of one spectrum: which, we learn from the spectra themselves.
    const spectra = listen(server.port);
    try {
      await page.getByTestId('average').selectOption('1');
      let shown = await shownInput(page, spectra.events);
      expect(shown.input).toBe(0);
      const before = (await traces(page, 'spectrum-plot'))[0]!.y;
      await page.getByTestId('input-1').click();
      await page.locator('[data-testid=input-1].on').waitFor();
      shown = await shownInput(page, spectra.events);
      expect(shown.input).toBe(1);
      const after = (await traces(page, 'spectrum-plot'))[0]!.y;
      expect(after.filter((v, j) => v !== before[j]).length).toBeGreaterThan(before.length / 2);
      expect(await page.getByTestId('waterfall-input').textContent()).toBe('input 1 · east');
      expect(await page.locator('.readout-label').allTextContents()).toContain('HI peak · input 1');
      // The waterfall painted east's rows at once (tens of rows kept since the group started), not one new row.
      const painted = await paintedWaterfallRows(page);
      // (One new row would light a pixel row or two; under load fewer spectra have arrived, so the bar is low.)
      expect(painted).toBeGreaterThan(3);
      await page.getByTestId('input-2').click();
      shown = await shownInput(page, spectra.events);
      expect(shown.input).toBe(2);
    } finally {
      spectra.close();
    }
    await page.getByTestId('average').selectOption('8');

    // Three baselines, each coherent: the sun is common to all three dishes.
    const rows = page.locator('[data-testid=baselines] tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=baselines] tr').length === 3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')))).toEqual(['baseline-0-1', 'baseline-0-2', 'baseline-1-2']);
    expect(await page.getByTestId('baseline-0-1').textContent()).toMatch(/^0–1 west–east/);
    expect(await page.getByTestId('baseline-1-2').textContent()).toMatch(/^1–2 east–north/);
    await page.waitForFunction(() => {
      const c = Array.from(document.querySelectorAll('[data-testid=baselines] [data-testid=coherence]'), (td) => Number(td.textContent));
      return c.length === 3 && c.every((v) => v > 0.3);
    });
    const coherence = await page.locator('[data-testid=baselines] [data-testid=coherence]').allTextContents();
    const phase = await page.locator('[data-testid=baselines] [data-testid=phase]').allTextContents();
    console.log(`baselines 0–1, 0–2, 1–2: coherence ${coherence.join(', ')}; phase ${phase.join(', ')}`);
    for (const c of coherence.map(Number)) expect(c).toBeLessThanOrEqual(1);
    for (const p of phase) expect(p).toMatch(/^[+−]\d{1,3}\.\d°$/);
    // The coherence history: one trace per baseline, its points within 0…1.
    const history = await traces(page, 'coherence-plot');
    expect(history).toHaveLength(3);
    for (const t of history) expect(t.y.every((v) => v >= 0 && v <= 1)).toBe(true);
    await nextDraw(page, 'coherence-plot');
    await page.screenshot({ path: join(shots, 'group-live.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });

  it('opens two reachable rtl_tcp servers as a group from the endpoints list', async () => {
    // The interferometer's antennas 0 and 1, each served over rtl_tcp as if by two machines: each `fringe sim` in its
    // own process (served from this one, 2 × 2.4 MS/s shared this process's event loop with Playwright, and on a loaded
    // machine fell silent long enough for the station's rtl_tcp client to give up on the running group).
    const scenario = join(scenarioDir, 'interferometer.json');
    rtlTcp.push(...(await Promise.all([0, 1].map((antenna) => startSimChild(['--scenario', scenario, '--antenna', String(antenna)])))));
    const [a, b] = rtlTcp.map((s) => s.endpoint);
    await page.getByTestId('nav-station').click();
    expect(await page.getByTestId('endpoints-group-use').count()).toBe(0);
    for (const e of [a, b]) {
      await page.getByTestId('endpoint-input').fill(e!);
      await page.getByTestId('endpoint-add').click();
      await page.getByTestId(`endpoint-${e}`).getByTestId('endpoint-state').filter({ hasText: /^reachable/ }).waitFor();
    }
    // Both reachable in one listing (adding the second probes both): a probe on a loaded machine can miss its 2 s
    // or find the server still seeing the previous probe off; then Refresh, as a user would.
    for (let tries = 0; ; tries++) {
      const states = await Promise.all([a, b].map((e) => page.getByTestId(`endpoint-${e}`).getByTestId('endpoint-state').textContent()));
      if (states.every((s) => /^reachable/.test(s ?? ''))) break;
      if (tries === 5) throw new Error(`the two endpoints are not reachable together: ${states.join('; ')}`);
      await page.getByTestId('sources-refresh').click();
      await page.getByTestId('sources-refresh').and(page.locator(':enabled')).waitFor();
    }
    const button = page.getByTestId('endpoints-group-use');
    await button.filter({ hasText: 'Use reachable endpoints as a group (2)' }).click();
    const spec = `group:rtltcp:${a},rtltcp:${b}`;
    await page.waitForFunction((s) => (document.querySelector('[data-testid=source-in-use]')?.textContent ?? '').endsWith(` · spec ${s}`), spec);
    expect(await page.getByTestId('source-pill').textContent()).toBe(`Group of 2: ${a}, ${b}`);
    // Both servers are the group's: listed as connected, not probed (each serves one client), and not offered alone.
    for (const e of [a, b]) {
      const row = page.getByTestId(`endpoint-${e}`);
      await row.getByTestId('endpoint-state').filter({ hasText: /^connected$/ }).waitFor();
      // A listing made while the group opened (status.starting) says connected before the status names the group.
      await row.getByText('in the group').waitFor();
      expect(await row.getByText('in the group').count()).toBe(1);
      expect(await row.getByTestId('endpoint-dot').getAttribute('class')).toMatch(/\bok\b/);
    }
    expect(await button.isDisabled()).toBe(true);
    // Two separate simulators share no signal: the notice says the delays could not be measured, under the same heading.
    await page.getByTestId('notice').filter({ hasText: /^Delay calibration\. / }).waitFor();
    console.log(`rtl_tcp group notice: ${await page.getByTestId('notice').allTextContents()}`);
    await page.getByTestId('nav-live').click();
    await page.waitForFunction(() => ((document.querySelector('[data-testid=power-plot]') as unknown as { data?: unknown[] })?.data?.length ?? 0) === 2);
    expect((await traces(page, 'power-plot')).map((t) => t.name)).toEqual(['input 0', 'input 1']);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=baselines] tr').length === 1);
    expect(await page.getByTestId('baseline-0-1').textContent()).toMatch(/^0–1\d/);
    await page.screenshot({ path: join(shots, 'group-rtltcp.png'), fullPage: true });
    expect(consoleErrors).toEqual([]);
  });
});
