/**
 * The sources methods through the contract and the dispatcher: untrusted
 * parameters are checked with messages that say what to write; the station's
 * own refusals come back as 'failed' with its message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError, type Result } from '../../../src/api/contract.ts';
import { dispatcher } from '../../../src/api/dispatch.ts';
import { Station } from '../../../src/engine/station.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-api-sources-'));
const station = Station.open(dir);
const call = dispatcher(station);
afterAll(async () => {
  await station.close();
  rmSync(dir, { recursive: true, force: true });
});

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e as ApiError);

describe('sources over the API', () => {
  it('lists the simulator and its scenarios, and no endpoints in a new data folder', async () => {
    const s = (await call('sources.list', {})) as Result<'sources.list'>;
    expect(s.rtlTcp).toEqual([]);
    expect(s.simulator.selected).toBeNull();
    expect(s.simulator.scenarios.map((c) => c.name)).toEqual([null, 'hydrogen', 'interferometer', 'sun-drift']);
    expect(typeof s.dongles.available).toBe('boolean');
  });

  it.each([
    [{ endpoint: 'dish.local' }, "station.addEndpoint: endpoint: 'dish.local' is not an rtl_tcp endpoint: write HOST:PORT, e.g. 192.168.1.20:1234 or [::1]:1234"],
    [{ endpoint: 'pi:70000' }, "station.addEndpoint: endpoint: port 70000 of 'pi:70000' is not 1–65535"],
    [{ endpoint: 'pi:1234; rm -rf /' }, "station.addEndpoint: endpoint: 'pi:1234; rm -rf /' is not an rtl_tcp endpoint"],
    [{ endpoint: 7 }, 'station.addEndpoint: endpoint: '],
    [{}, 'station.addEndpoint: endpoint: '],
  ])('refuses station.addEndpoint %j as a bad request', async (params, message) => {
    const err = await refusal(call('station.addEndpoint', params));
    expect(err).toBeInstanceOf(ApiError);
    expect(err!.kind).toBe('bad-request');
    expect(err!.message.startsWith(message)).toBe(true);
  });

  it('adds, refuses a duplicate with the station\'s message, and removes an endpoint', async () => {
    // Port 1 on loopback: nothing listens there, so the probe is quick.
    const added = (await call('station.addEndpoint', { endpoint: ' 127.0.0.1:1 ' })) as Result<'station.addEndpoint'>;
    expect(added.rtlTcp).toMatchObject([{ endpoint: '127.0.0.1:1', reachable: false, reason: 'refused' }]);
    expect(await refusal(call('station.addEndpoint', { endpoint: '127.0.0.1:1' }))).toMatchObject({ kind: 'failed', message: '127.0.0.1:1 is already listed' });
    const removed = (await call('station.removeEndpoint', { endpoint: '127.0.0.1:1' })) as Result<'station.removeEndpoint'>;
    expect(removed.rtlTcp).toEqual([]);
  });

  it('sets a built-in scenario, refuses paths and unknown names, and resets to the default with null', async () => {
    const status = (await call('station.setScenario', { scenario: 'sun-drift' })) as Result<'station.setScenario'>;
    expect(status.scenario).toBe('sun-drift');
    expect(await refusal(call('station.setScenario', { scenario: '/etc/passwd' }))).toMatchObject({
      kind: 'bad-request',
      message: "station.setScenario: scenario: a scenario is a built-in one's name, e.g. sun-drift, or null for the default",
    });
    expect(await refusal(call('station.setScenario', { scenario: 'mars' }))).toMatchObject({
      kind: 'failed',
      message: "there is no built-in scenario 'mars': choose one of hydrogen, interferometer, sun-drift, or the default",
    });
    expect(((await call('station.setScenario', { scenario: null })) as Result<'station.setScenario'>).scenario).toBeNull();
  });
});
