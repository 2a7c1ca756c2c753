/** The upload methods at the API boundary: every field checked, secrets never in a reply. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stationWithObservation } from '../../helpers/station.ts';

let fixture: ReturnType<typeof stationWithObservation>;
let call: ReturnType<typeof stationWithObservation>['call'];
let id: number;

beforeAll(() => {
  fixture = stationWithObservation('fringe-api-uploads-');
  ({ call, id } = fixture);
});
afterAll(() => fixture.close());

describe('targets.* and uploads.*', () => {
  it('adds, lists and removes targets; replies carry no secret', async () => {
    const added = await call('targets.add', { kind: 'http', name: 'archive', url: 'https://archive.example.org/in/', method: 'POST', token: 'tok-Vb20-secret' });
    expect(added).toEqual({ name: 'archive', kind: 'http', url: 'https://archive.example.org/in/', method: 'POST', secret: true });
    await call('targets.add', { kind: 'ftp', name: 'ftp1', url: 'ftp://ftp.example.org/incoming', username: 'me', password: 'pw with spaces Vb20' });
    const list = await call('targets.list', {});
    expect(JSON.stringify([added, list])).not.toMatch(/Vb20/);
    expect(await call('targets.remove', { name: 'ftp1' })).toEqual({ name: 'ftp1' });
    await expect(call('targets.remove', { name: 'ftp1' })).rejects.toThrow(/no upload target 'ftp1'/);
  });

  it('refuses malformed targets, naming the field and never echoing a secret', async () => {
    const bad: [unknown, RegExp][] = [
      [{ kind: 'smtp', name: 'x', url: 'http://h/' }, /kind/],
      [{ kind: 'http', name: '../etc', url: 'http://h/', method: 'PUT' }, /name: a target name/],
      [{ kind: 'http', name: 'x', url: 'ftp://h/', method: 'PUT' }, /url: an HTTP target needs/],
      [{ kind: 'http', name: 'x', url: 'http://h/', method: 'DELETE' }, /method/],
      [{ kind: 'http', name: 'x', url: 'http://h/', method: 'PUT', token: 'has space Qm41' }, /token: the token must be printable ASCII/],
      [{ kind: 'ftp', name: 'x', url: 'ftp://h/', password: 'line\nbreak Qm41' }, /password: no control characters/],
      [{ kind: 'ftp', name: 'x', url: 'https://h/' }, /url: an FTP target needs/],
    ];
    for (const [params, why] of bad) {
      const err = await call('targets.add', params).then(() => null, (e: Error & { kind: string }) => e);
      expect(err, JSON.stringify(params)).toMatchObject({ kind: 'bad-request' });
      expect(err!.message).toMatch(why);
      expect(err!.message).not.toMatch(/Qm41/);
    }
    expect((await call('targets.list', {})) as unknown[]).toHaveLength(1);
  });

  it('checks uploads.* parameters, offers formats, and lists jobs', async () => {
    expect(await call('uploads.formats', { id })).toEqual({ id, formats: ['fits', 'callisto', 'csv', 'spd'] });
    await expect(call('uploads.start', { id, format: 'png', target: 'archive' })).rejects.toThrow(/format/);
    await expect(call('uploads.start', { id: -1, format: 'fits', target: 'archive' })).rejects.toThrow(/id/);
    await expect(call('uploads.start', { id, format: 'fits', target: 'a/b' })).rejects.toThrow(/target/);
    await expect(call('uploads.retry', { job: 1.5 })).rejects.toThrow(/job/);
    await expect(call('uploads.list', { id: 'x' })).rejects.toThrow(/id/);
    await expect(call('uploads.retry', { job: 7 })).rejects.toThrow(/no upload job 7/);
    expect(await call('uploads.list', {})).toEqual([]);
  });
});
