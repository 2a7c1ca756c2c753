import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spectra } from '../../helpers/station.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../../../correlator/pipeline.ts';
import { ReferenceBackend } from '../../../correlator/reference.ts';
import type { Block, Integration } from '../../../correlator/types.ts';
import { BlockQueue, Stage } from '../../../devices/sdr/block-queue.ts';
import { Station } from '../../../src/engine/station.ts';
import type { SpectrumEvent } from '../../../src/api/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-stages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('a stage', () => {
  it('that waits holds its producer at capacity and lets it go as the consumer takes', async () => {
    const s = new Stage<number>('t', 2, 'wait');
    const put: boolean[] = [];
    const producer = (async () => {
      for (let i = 0; i < 5; i++) put.push(await s.put(i));
      s.end();
    })();
    await tick();
    expect(put).toEqual([true, true]); // the third waits
    expect(s.snapshot()).toMatchObject({ queued: 2, in: 2, out: 0, dropped: 0 });
    const got: number[] = [];
    for await (const v of s) got.push(v);
    await producer;
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(s.snapshot()).toMatchObject({ queued: 0, in: 5, out: 5, dropped: 0, highWater: 2 });
  });

  it('that drops refuses what does not fit, counts it, and keeps order', async () => {
    const s = new Stage<number>('t', 3, 'drop');
    const accepted = [];
    for (let i = 0; i < 10; i++) accepted.push(await s.put(i));
    expect(accepted).toEqual([true, true, true, false, false, false, false, false, false, false]);
    s.end();
    const got: number[] = [];
    for await (const v of s) got.push(v);
    expect(got).toEqual([0, 1, 2]);
    expect(s.snapshot()).toMatchObject({ in: 3, out: 3, dropped: 7, highWater: 3 });
  });

  it('hands a waiting consumer an item directly, delivers what is queued before an error, and refuses after', async () => {
    const s = new Stage<string>('t', 2, 'wait');
    const first = s.next();
    expect(s.offer('a')).toBe(true);
    expect(await first).toEqual({ value: 'a', done: false });
    await s.put('b');
    s.fail(new Error('unplugged'));
    expect(await s.put('c')).toBe(false);
    expect(await s.next()).toEqual({ value: 'b', done: false });
    await expect(s.next()).rejects.toThrow('unplugged');
  });

  it('releases a producer waiting on a full stage when drained', async () => {
    const s = new Stage<number>('t', 1, 'wait');
    await s.put(1);
    const blocked = s.put(2);
    s.drain();
    expect(await blocked).toBe(false);
    expect(s.ended).toBe(true);
    expect((await s.next()).done).toBe(true);
  });
});

describe('the blocks stage', () => {
  it('carries the samples of each block it drops into the next block of that input, so the correlator places the gap and counts it', async () => {
    const C = 16, n = 64, inputs = 2;
    const stage = new BlockQueue(4, { name: 'blocks', policy: 'drop' });
    const pipeline = new Pipeline(new ReferenceBackend({ inputs, channels: C, taps: 2, spectraPerIntegration: 8, mode: 'full' }));
    const integrations: Integration[] = [];
    let next = 0;
    // 40 blocks per input, offered in bursts of 6 (3 per input): the stage keeps 4, the rest is dropped.
    for (let burst = 0; burst < 40 / 3; burst++) {
      for (let k = 0; k < 3; k++, next += n) {
        for (let a = 0; a < inputs; a++) {
          const data = Uint8Array.from({ length: 2 * n }, (_, i) => (i * 7 + a * 13 + next) & 0xff);
          const b: Block = { input: a, firstSample: next, data, receivedAt: 0, dropped: 0 };
          await stage.putBlock(b);
        }
      }
      // The consumer takes what is queued.
      while (stage.length > 0) for (const i of await pipeline.push((await stage.next()).value as Block)) integrations.push(i);
    }
    expect(stage.snapshot().dropped).toBeGreaterThan(20);
    expect(stage.droppedSamples).toBe(stage.snapshot().dropped * n);
    // Every input's gaps, as the pipeline counted them, are the samples dropped (less those still carried at the end).
    const counted = integrations.reduce((s, i) => s + i.dropped[0]! + i.dropped[1]!, 0);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(stage.droppedSamples);
    expect(stage.droppedSamples - counted).toBeLessThanOrEqual(2 * 3 * n);
    // And the integrations start where the samples say: never inside a gap.
    for (const i of integrations) expect(i.firstSample % n).toBe(0);
  });
});


describe('the station’s stages', () => {
  // The simulator paced at 50× real time (120 MS/s) with the float64 reference backend: the FX core cannot keep up,
  // and once it is further behind than a dongle's buffers hold (0.8 s), samples are lost.
  it('drop and count what a dongle-like source delivers faster than the FX core takes; the store still gets every integration', async () => {
    const station = Station.open(join(dir, 'fast'));
    await station.startLive({ backend: 'reference', channels: 256, integration: 0.25, pacing: 50 });
    const id = station.startRecording({ target: 'stage test' });
    const events: SpectrumEvent[] = [];
    await new Promise<void>((resolve) => {
      const on = (e: SpectrumEvent) => {
        events.push(e);
        if (events.length >= 4 && events.at(-2)!.dropped[0]! > 0) {
          station.off('spectrum', on);
          resolve();
        }
      };
      station.on('spectrum', on);
    });
    const status = station.status();
    expect(station.stopRecording()).toBe(id);
    const [blocks, integrations] = status.live!.stages;
    expect(blocks).toMatchObject({ name: 'blocks', policy: 'drop' });
    // Nothing computed is lost between the FX core and the store.
    expect(integrations).toMatchObject({ name: 'integrations', policy: 'wait', dropped: 0 });
    // The gap ends an integration, which carries its dropped samples, and the next starts after the gap:
    // time keeps to the sample count (less the partial spectrum and the filter's history of 4 taps around the gap).
    const k = events.findIndex((e) => e.dropped[0]! > 0);
    const gap = events[k]!, after = events[k + 1]!;
    const spanned = Math.round((after.time - gap.time) * 2.4e6);
    const counted = gap.spectra * 256 + gap.dropped[0]!;
    expect(spanned).toBeGreaterThanOrEqual(counted);
    expect(spanned - counted).toBeLessThan(5 * 256);
    const recorded = station.store.readIntegrations(id);
    expect(recorded.length).toBe(station.store.getObservation(id).integrations);
    expect(recorded.length).toBeGreaterThanOrEqual(events.filter((e) => e.recording === id).length);
    expect(recorded.reduce((s, i) => s + i.dropped[0]!, 0)).toBeGreaterThan(0);
    await station.close();
  }, 120_000);

  it('wait instead of dropping for a source that can wait (the unpaced simulator)', async () => {
    const station = Station.open(join(dir, 'unpaced'));
    await station.startLive({ backend: 'reference', channels: 256, integration: 0.02, pacing: false });
    const events = await spectra(station, 4);
    const live = station.status().live!;
    expect(live.stages[0]).toMatchObject({ policy: 'wait', dropped: 0 });
    expect(live.droppedSamples).toBe(0);
    expect(events.every((e) => e.dropped[0] === 0)).toBe(true);
    // Back-to-back integrations: each starts where the last ended.
    // (Unix seconds near 1.8e9 carry 2.4e-7 s steps: half a sample.)
    for (let k = 1; k < events.length; k++) expect(Math.abs((events[k]!.time - events[k - 1]!.time) * 2.4e6 - events[k - 1]!.spectra * 256)).toBeLessThan(1);
    await station.close();
  }, 60_000);
});
