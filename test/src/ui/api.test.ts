/**
 * The UI's client (src/ui/api.ts) over a stand-in transport that answers
 * with the real dispatcher of a real Station, frame for frame as the server
 * does: calls, typed errors, events, binary spectrum frames, losing the line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSpectrum } from '../../../src/api/codec.ts';
import { ApiError } from '../../../src/api/contract.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import type { SpectrumEvent } from '../../../src/api/types.ts';
import { Station } from '../../../src/engine/station.ts';
import { CallError, StationClient, type Transport } from '../../../src/ui/api.ts';
import { tempDir } from '../../observations/fixtures.ts';

const { dir, cleanup } = tempDir('fringe-uiapi-');
let station: Station;
beforeAll(() => {
  station = Station.open(dir);
});
afterAll(async () => {
  await station.close();
  cleanup();
});

/** Resolves once the client's transport has opened (the loopback opens on the next microtask). */
function opened(client: StationClient): Promise<void> {
  return new Promise((resolve) => {
    if (client.state === 'open') return resolve();
    const off = client.onState((s) => s === 'open' && (off(), resolve()));
  });
}

/** A transport whose far end is the dispatcher, as src/server/server.ts wires it. */
function loopback(): { transport: Transport; push(frame: string | ArrayBuffer): void; drop(why: string): void } {
  const call = dispatcher(station);
  const t: Transport = {
    send(text) {
      const msg = JSON.parse(text);
      call(msg.method, msg.params).then(
        (result) => t.onFrame(JSON.stringify({ id: msg.id, result: result ?? null })),
        (err) => t.onFrame(JSON.stringify({ id: msg.id, error: { kind: err instanceof ApiError ? err.kind : 'failed', message: err.message } })),
      );
    },
    onFrame: () => {},
    onOpen: () => {},
    onClose: () => {},
    close: () => {},
  };
  queueMicrotask(() => t.onOpen());
  return { transport: t, push: (f) => t.onFrame(f), drop: (why) => t.onClose(why) };
}

describe('ui/api: the StationClient', () => {
  it('calls methods with typed results and rejects with the kind and message of a refusal', async () => {
    const line = loopback();
    const client = new StationClient(() => line.transport);
    await opened(client);
    expect(client.state).toBe('open');
    const status = await client.call('station.status');
    expect(status.live).toBeNull();
    expect(status.site.name).toMatch(/Greenwich/);
    const site = await client.call('station.setSite', { name: 'Onsala', lat: 57.393, lon: 11.917, altitude: 20 });
    expect(site).toEqual({ name: 'Onsala', lat: 57.393, lon: 11.917, altitude: 20 });
    const sun = await client.call('station.sun');
    expect(typeof sun.nextTransit.time).toBe('string'); // a Date, as JSON
    const err = await client.call('station.setSite', { name: 'x', lat: 95, lon: 0, altitude: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ kind: 'bad-request', message: expect.stringMatching(/lat/) });
    client.close();
  });

  it('delivers status, error and binary spectrum events; pending calls fail when the line drops', async () => {
    const line = loopback();
    const client = new StationClient(() => line.transport);
    await opened(client);
    const seen: string[] = [];
    client.on('status', (s) => seen.push(`status ${s.site.name}`));
    client.on('error', (e) => seen.push(`error ${e.kind}: ${e.message}`));
    let spectrum: SpectrumEvent | null = null;
    client.on('spectrum', (e) => (spectrum = e));
    line.push(JSON.stringify({ event: 'status', data: station.status() }));
    line.push(JSON.stringify({ event: 'error', data: { kind: 'device', message: 'the dongle was unplugged' } }));
    const sent: SpectrumEvent = {
      time: 1.79e9, centerFrequency: 1_420_405_752, sampleRate: 2.4e6, channels: 8, spectra: 586,
      power: [Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8])], sk: [new Float32Array(8).fill(1)], totalPower: [36], clipped: [0], dropped: [2], recording: null, stages: [],
    };
    const bytes = encodeSpectrum(sent);
    line.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(seen).toEqual(['status Onsala', 'error device: the dongle was unplugged']);
    expect(spectrum).toEqual(sent);

    const states: string[] = [];
    client.onState((s, why) => states.push(`${s}: ${why}`));
    const pending = client.call('observations.list', {});
    line.drop('the station went away');
    await expect(pending).rejects.toMatchObject({ kind: 'disconnected', message: expect.stringMatching(/went away/) });
    expect(states).toEqual(['closed: the station went away']);
    await expect(client.call('station.status')).rejects.toMatchObject({ kind: 'disconnected' });
    client.close();
  });
});
