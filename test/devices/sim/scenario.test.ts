import { readdirSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import { loadScenario, openSimGroup, openSimSource, parseScenario, startTime, sunHorizontal } from '../../../devices/sim/index.ts';

function errorOf(f: () => unknown): DeviceError {
  try {
    f();
  } catch (err) {
    if (err instanceof DeviceError) return err;
    throw err;
  }
  throw new Error('expected a DeviceError');
}

describe('scenario', () => {
  it('defaults to a small station: a 1 m dish at the HI line, 2.4 MS/s, 40 dB, the sun up', () => {
    const s = parseScenario({});
    expect(s.antennas).toHaveLength(1);
    expect(s.antennas[0]!.diameter).toBe(1);
    expect(s.tuning).toEqual({ centerFrequency: 1_420_405_752, sampleRate: 2_400_000, gain: 40, ppm: 0 });
    expect(s.site).toEqual({ lat: 52, lon: 0 });
    expect(sunHorizontal(s.site, startTime(s)).el).toBeGreaterThan(50);
  });

  it('parses its own output again (the default sun.flux: null was refused, and drift.run on the default scenario failed)', () => {
    for (const s of [parseScenario({}), parseScenario({ sun: { flux: 70 } })]) expect(parseScenario(JSON.parse(JSON.stringify(s)))).toEqual(s);
  });

  it('names an unknown field and the known ones', () => {
    const e = errorOf(() => parseScenario({ antennas: [{ diamter: 2 }] }));
    expect(e.kind).toBe('invalid');
    expect(e.message).toMatch(/antennas\[0\]: unknown field 'diamter'; known fields are name, position, diameter/);
  });

  it('names a bad value with its unit and range', () => {
    expect(errorOf(() => parseScenario({ antennas: [{}, { tsys: -5 }] })).message).toMatch(/antennas\[1\]\.tsys: expected a number from 1 to 10000 \(K\), got -5/);
    expect(errorOf(() => parseScenario({ start: 'yesterday' })).message).toMatch(/start: expected an ISO 8601 time/);
    expect(errorOf(() => parseScenario({ antennas: [{ pointing: { mode: 'moon' } }] })).message).toMatch(/pointing\.mode/);
    expect(errorOf(() => parseScenario({ antennas: [{ sampleOffset: 1.5 }] })).message).toMatch(/sampleOffset: expected an integer/);
    expect(errorOf(() => parseScenario({ rfi: [{ temperature: 3 }] })).message).toMatch(/rfi\[0\]\.frequency/);
    expect(errorOf(() => parseScenario([])).message).toMatch(/expected an object/);
  });

  it('refuses a tsys below the sky and ground it must include', async () => {
    await expect(openSimSource({ scenario: { antennas: [{ tsys: 12 }] } })).rejects.toThrow(/raise tsys/);
  });

  it('reads files, naming the file on errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fringe-scenario-'));
    expect(errorOf(() => loadScenario(join(dir, 'none.json'))).kind).toBe('not-found');
    writeFileSync(join(dir, 'bad.json'), '{ "seed": ');
    const e = errorOf(() => loadScenario(join(dir, 'bad.json')));
    expect(e.kind).toBe('invalid');
    expect(e.message).toContain('bad.json');
    writeFileSync(join(dir, 'field.json'), '{ "speed": 0 }');
    expect(errorOf(() => loadScenario(join(dir, 'field.json'))).message).toMatch(/field\.json: scenario speed/);
  });

  it('ships example scenarios that parse', () => {
    const dir = join(import.meta.dirname, '../../../devices/sim/scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(loadScenario(join(dir, f)).antennas.length).toBeGreaterThan(0);
  });

  it('keeps a one-line description for lists of scenarios, and each shipped scenario has one', () => {
    expect(parseScenario({ description: 'a quiet night' }).description).toBe('a quiet night');
    expect(parseScenario({}).description).toBeUndefined();
    expect(errorOf(() => parseScenario({ description: 'two\nlines' })).message).toMatch(/description: expected one line of text/);
    expect(errorOf(() => parseScenario({ description: 7 })).message).toMatch(/description: expected one line of text/);
    const dir = join(import.meta.dirname, '../../../devices/sim/scenarios');
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) expect(loadScenario(join(dir, f)).description?.length).toBeGreaterThan(20);
  });
});

describe('sources', () => {
  it('refuses a missing antenna, bad block sizes, use after close and a second stream', async () => {
    await expect(openSimSource({ antenna: 3 })).rejects.toThrow(/antennas 0…0, not 3/);
    await expect(openSimSource({ blockSamples: 0 })).rejects.toThrow(/blockSamples/);
    const src = await openSimSource({ pacing: false, blockSamples: 1000 });
    const it1 = src.blocks()[Symbol.asyncIterator]();
    const first = await it1.next();
    expect(first.value?.data.length).toBe(2000);
    await expect(src.blocks()[Symbol.asyncIterator]().next()).rejects.toThrow(/already streaming/);
    const second = await it1.next();
    expect(second.value?.firstSample).toBe(1000);
    await it1.return?.(undefined);
    await src.close();
    expect(() => src.read()).toThrow(/closed/);
    await expect(src.setGain(10)).rejects.toThrow(/closed/);
  });

  it('paces blocks at the sample rate (never faster), and at a multiple of it', async () => {
    // 24 000 samples at 2.4 MS/s are 10 ms: the sixth block cannot come before 50 ms (a lower bound only).
    for (const [pacing, minMs] of [[1, 50], [0.5, 100]] as const) {
      const src = await openSimSource({ blockSamples: 24_000, pacing });
      const t0 = performance.now();
      let count = 0;
      for await (const _ of src.blocks()) if (++count === 6) break;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(minMs - 2);
      await src.close();
    }
  });

  it('streams a group as blocks of every input in turn, with tunings the chip would apply', async () => {
    const g = await openSimGroup({ scenario: { antennas: [{}, {}, {}] }, pacing: false, blockSamples: 512 });
    expect(await g.setSampleRate(1_000_000)).toBeCloseTo(1_000_000, 1);
    expect(await g.setCenterFrequency(1_420_000_000.4)).toBe(1_420_000_000);
    await expect(g.setCenterFrequency(3e9)).rejects.toThrow(/24–1766 MHz/);
    expect(await g.setGain('auto')).toBe('auto');
    const seen: [number, number][] = [];
    for await (const b of g.blocks()) {
      seen.push([b.input, b.firstSample]);
      if (seen.length === 6) break;
    }
    expect(seen).toEqual([[0, 0], [1, 0], [2, 0], [0, 512], [1, 512], [2, 512]]);
    await g.close();
  });
});
