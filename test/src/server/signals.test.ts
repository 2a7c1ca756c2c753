/**
 * SIGTERM and SIGINT stop `fringe serve` within 2 s whatever it is doing
 * (issue 10): the real bin as a child process, with a live session, a
 * recording, clients, a rotator, an upload stuck on a silent server and a
 * half-sent HTTP request; afterwards the store opens and holds the data.
 */
import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../observations/store/store.ts';
import type { StationStatus } from '../../../src/api/types.ts';
import { tempDir } from '../../observations/fixtures.ts';
import { startServe } from './serve-child.ts';
import { ApiClient } from './wire.ts';

/** The promise: exit within this many ms of the signal. */
const deadlineMs = 2000;

let silent: Server;
let silentPort = 0;
const requests: string[] = [];

beforeAll(async () => {
  // An upload target that takes the request and never answers: the upload stays in flight.
  silent = createServer((req) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as AddressInfo).port;
});
afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((r) => silent.close(r));
});

/** Starts the station busy in every way the brief names; returns what to check after the signal. */
async function busyStation(dir: string, recordMode: 'spectrum' | 'raw') {
  const serve = await startServe(['--db', dir, '--backend', 'cpu', '--source', 'sim']);
  const clients = await Promise.all([1, 2, 3].map(() => ApiClient.open(serve.port)));
  const [a] = clients as [ApiClient, ...ApiClient[]];
  // A finished observation to upload, then a recording left running.
  const first = await a.ok<{ id: number }>('record.start', { mode: 'spectrum', target: 'first' });
  await recorded(a, (s) => (s.recording?.integrations ?? 0) >= 1);
  await a.ok('record.stop');
  await a.ok('targets.add', { kind: 'http', name: 'silent', url: `http://127.0.0.1:${silentPort}/up/`, method: 'PUT' });
  const seen = requests.length;
  await a.ok('uploads.start', { id: first.id, format: 'csv', target: 'silent' });
  await a.ok('rotator.connect', { driver: 'sim' });
  void a.call('rotator.goto', { az: 180, el: 45 });
  const running = await a.ok<{ id: number }>('record.start', { mode: recordMode, target: 'running' });
  await recorded(a, (s) => (recordMode === 'spectrum' ? s.recording!.integrations >= 2 : (s.recording!.samples ?? 0) > 0));
  await waitUntil(() => requests.length > seen, 'the upload to reach the silent target');
  // A request that never finishes its headers.
  const half = connect(serve.port, '127.0.0.1');
  half.on('error', () => {});
  half.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${serve.port}\r\nX-Slow: `);
  return { serve, clients, first: first.id, running: running.id, half };
}

/** Waits, spectrum by spectrum (one per integration), until the station's status satisfies `done` (ceiling 60 spectra). */
async function recorded(client: ApiClient, done: (s: StationStatus) => boolean): Promise<void> {
  for (let n = 0; n < 60; n++) {
    await client.waitFor('spectrum');
    if (done(await client.ok<StationStatus>('station.status'))) return;
  }
  throw new Error('the recording did not grow in 60 integrations');
}

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('fringe serve stops on a signal within 2 s', () => {
  for (const [signal, mode] of [['SIGTERM', 'spectrum'], ['SIGINT', 'raw']] as const) {
    it(`${signal} exits within 2 s with a live session, a ${mode} recording, clients, a rotator and an upload in progress, and loses nothing`, async () => {
      const { dir, cleanup } = tempDir('fringe-signal-');
      try {
        const busy = await busyStation(dir, mode);
        const stopped = await busy.serve.stop(signal);
        busy.half.destroy();
        for (const c of busy.clients) c.close();
        expect(stopped.ms, busy.serve.stderr()).toBeLessThan(deadlineMs);
        expect(stopped.signal).toBeNull();
        expect([0, 1]).toContain(stopped.code);
        expect(busy.serve.stderr()).toMatch(new RegExp(`${signal}: stopping`));
        const store = Store.open(dir);
        try {
          expect(store.getObservation(busy.first)).toMatchObject({ status: 'complete' });
          const running = store.getObservation(busy.running);
          expect(['complete', 'interrupted']).toContain(running.status);
          if (mode === 'spectrum') expect(running.integrations).toBeGreaterThanOrEqual(2);
          else {
            // The samples written before the signal are on disk (registering the file in the store when
            // the recording starts, so a cut-short one is exportable, is the raw recorder's part: issue 10).
            const data = store.rawRecordingPath(busy.running, 'iq').absolute;
            expect(existsSync(data) && statSync(data).size).toBeGreaterThan(0);
          }
        } finally {
          store.close();
        }
      } finally {
        cleanup();
      }
    });
  }

  it('a second signal exits at once, closing the store', async () => {
    const { dir, cleanup } = tempDir('fringe-signal-');
    try {
      // A raw recording: its clean stop takes longer than the deadline on this machine.
      const busy = await busyStation(dir, 'raw');
      const t0 = performance.now();
      busy.serve.child.kill('SIGTERM');
      await waitUntil(() => /SIGTERM: stopping/.test(busy.serve.stderr()), 'the station to begin stopping');
      // The second signal cuts the clean stop short. On a quick machine the clean stop may have ended already (the process
      // is exiting: a signal now would meet Node's default handler); then it is waited for, and must still be within 2 s.
      const cleanFirst = /fringe serve: stopped/.test(busy.serve.stderr());
      const stopped = cleanFirst ? await busy.serve.stop('SIGCONT') : await busy.serve.stop('SIGTERM');
      if (!/fringe serve: stopped/.test(busy.serve.stderr())) expect(busy.serve.stderr()).toMatch(/(SIGTERM again|still stopping after \d+ ms); exiting now/);
      busy.half.destroy();
      for (const c of busy.clients) c.close();
      expect(performance.now() - t0).toBeLessThan(deadlineMs);
      expect(stopped.signal).toBeNull();
      const store = Store.open(dir);
      try {
        expect(['complete', 'interrupted']).toContain(store.getObservation(busy.running).status);
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  });
});
