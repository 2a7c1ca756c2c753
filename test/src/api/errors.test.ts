/**
 * Errors carry their underlying cause (src/api/errors.ts), so a UI switches
 * on a kind instead of matching English: real failures (a closed port, a
 * name that does not resolve, a full disk, a port in use, the station's own
 * refusals) through the classifier, the dispatcher and the WebSocket.
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DeviceError } from '../../../devices/errors.ts';
import { openSource } from '../../../devices/sdr/open.ts';
import { RtlTcpServer } from '../../../devices/sdr/rtltcp-server.ts';
import { ObservationError, fromSqliteError } from '../../../observations/errors.ts';
import { ApiError } from '../../../src/api/contract.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { errorCause } from '../../../src/api/errors.ts';
import { Station, StationError } from '../../../src/engine/station.ts';
import { serve, type RunningServer } from '../../../src/server/server.ts';
import { tempDir } from '../../observations/fixtures.ts';

const thrown = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
};

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('errorCause: the underlying kind of a real failure', () => {
  it('an rtl_tcp server that is not there is refused; a host name that does not resolve is dns', async () => {
    const port = await closedPort();
    expect(errorCause(await thrown(() => openSource(`rtltcp:127.0.0.1:${port}`)))).toBe('refused');
    // .invalid never resolves (RFC 6761): ENOTFOUND, or EAI_AGAIN without a resolver.
    expect(errorCause(await thrown(() => openSource('rtltcp:no-such-host.invalid:1234')))).toBe('dns');
  }, 30_000);

  it('a write to a full disk is disk-full (/dev/full answers ENOSPC); SQLite full and read-only too', async () => {
    expect(errorCause(await thrown(() => writeFileSync('/dev/full', 'x')))).toBe('disk-full');
    expect(errorCause(fromSqliteError(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 'append'))).toBe('disk-full');
    expect(errorCause(fromSqliteError(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }), 'append'))).toBe('read-only');
  });

  it('a port in use is busy; a device error keeps its kind; the station refusing is state; nothing known is unknown', async () => {
    const first = await RtlTcpServer.listen({ source: await openSource('sim'), host: '127.0.0.1', port: 0 });
    try {
      const err = await thrown(async () => RtlTcpServer.listen({ source: await openSource('sim'), host: '127.0.0.1', port: first.address.port }));
      expect(err).toBeInstanceOf(DeviceError);
      expect(errorCause(err)).toBe('busy');
    } finally {
      await first.close();
    }
    expect(errorCause(new DeviceError('limit', 'An RTL-SDR cannot tune to 5 GHz'))).toBe('out-of-range');
    expect(errorCause(new DeviceError('timeout', 'no answer'))).toBe('timeout');
    expect(errorCause(new ObservationError('not-found', 'no observation 9'))).toBe('not-found');
    expect(errorCause(new StationError('stop the recording first'))).toBe('state');
    expect(errorCause(new Error('something'))).toBe('unknown');
    expect(errorCause('a string')).toBe('unknown');
  }, 30_000);
});

describe('the cause through the API', () => {
  const { dir, cleanup } = tempDir('fringe-api-errors-');
  let station: Station;
  let server: RunningServer;
  beforeAll(async () => {
    station = Station.open(dir);
    server = await serve({ station, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await server.close();
    await station.close();
    cleanup();
  });

  it('a failed call is an ApiError with its cause; a bad request is invalid', async () => {
    const call = dispatcher(station);
    const port = await closedPort();
    expect(await thrown(() => call('live.start', { source: `rtltcp:127.0.0.1:${port}` }))).toMatchObject({ kind: 'failed', cause: 'refused' });
    expect(await thrown(() => call('record.start', {}))).toMatchObject({ kind: 'failed', cause: 'state', message: expect.stringMatching(/start the live view first/) });
    const bad = await thrown(() => call('live.start', { channels: 3 }));
    expect(bad).toBeInstanceOf(ApiError);
    expect(bad).toMatchObject({ kind: 'bad-request', cause: 'invalid' });
  }, 30_000);

  it('the WebSocket reply carries kind, message and cause', async () => {
    const port = await closedPort();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`);
    try {
      await new Promise((r, j) => ws.once('open', r).once('error', j));
      const reply = new Promise<{ id: number; error?: { kind: string; message: string; cause: string } }>((resolve) =>
        ws.on('message', (data, binary) => {
          if (binary) return;
          const m = JSON.parse(String(data)) as { id?: number };
          if (m.id === 7) resolve(m as never);
        }),
      );
      ws.send(JSON.stringify({ id: 7, method: 'live.start', params: { source: `rtltcp:127.0.0.1:${port}` } }));
      expect((await reply).error).toMatchObject({ kind: 'failed', cause: 'refused', message: expect.stringContaining(`127.0.0.1:${port}`) });
    } finally {
      ws.close();
    }
  }, 30_000);
});
