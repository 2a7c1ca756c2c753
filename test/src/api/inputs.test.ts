/**
 * The boundary's rules (src/api/inputs.ts): known answers for what each door
 * takes and refuses, with one message per mistake, and the same answer from
 * the text parser (CLI, UI forms) and the zod schema (API).
 */
import { describe, expect, it } from 'vitest';
import * as inputs from '../../../src/api/inputs.ts';
import { InputError } from '../../../src/api/inputs.ts';
import { checkParams } from '../../../src/api/contract.ts';
import { SettingsError, checkSettings } from '../../../src/engine/settings.ts';

const problem = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problem;
  }
  throw new Error('accepted');
};

describe('numbers from text', () => {
  it.each([
    ['frequency', inputs.frequency, '1420.4M', 1_420_400_000],
    ['frequency', inputs.frequency, '5G', 5e9],
    ['frequency', inputs.frequency, '250k', 250_000],
    ['frequency', inputs.frequency, '1.42e9', 1.42e9],
    ['sample rate', inputs.sampleRate, '2.4M', 2_400_000],
    ['channels', inputs.channels, '2', 2],
    ['channels', inputs.channels, '65536', 65536],
    ['threads', inputs.threads, '16', 16],
    ['threads', inputs.threads, '0', 0],
    ['integration', inputs.integration, '0.5', 0.5],
    ['id', inputs.observationId, '12', 12],
    ['limit', inputs.listLimit, '100000', 100000],
    ['port', inputs.listenPort, '0', 0],
    ['port', inputs.port, '65535', 65535],
    ['timeout', inputs.timeout, '1e-3', 0.001],
    ['azimuth', inputs.azimuth, '-5', -5],
  ] as const)('%s reads %s as %d', (_n, rule, text, value) => {
    expect((rule as inputs.Rule<number>).parse(text)).toBe(value);
  });

  it.each([
    [inputs.channels, '300', 'must be a power of two'],
    [inputs.channels, '1', 'must be from 2 to 65536'],
    [inputs.channels, '131072', 'must be from 2 to 65536'],
    [inputs.threads, '17', 'must be a whole number from 0 to 16 (0 computes on the calling thread)'],
    [inputs.frequency, 'lots', 'needs a frequency in Hz, e.g. 1420.4M or 1420405752'],
    [inputs.frequency, '7G', 'must be above 0 Hz and at most 6G (6 GHz)'],
    [inputs.frequency, '0', 'must be above 0 Hz and at most 6G (6 GHz)'],
    [inputs.sampleRate, '1e-300', "must be above 225k and at most 3.2M samples per second (an RTL-SDR's range)"],
    [inputs.integration, '-1', 'must be from 0.01 to 3600 s'],
    [inputs.integration, 'Infinity', 'must be a time in seconds'],
    [inputs.integration, '0x10', 'must be a time in seconds'],
    [inputs.integration, '', 'must be a time in seconds'],
    [inputs.integration, ' 1', 'must be a time in seconds'],
    [inputs.timeout, '-5', 'must be above 0 and at most 86400 s (a day)'],
    [inputs.port, '', 'must be a port number from 1 to 65535'],
    [inputs.listenPort, '', 'must be a port number from 0 to 65535 (0: any free port)'],
    [inputs.listenPort, '65536', 'must be a port number from 0 to 65535 (0: any free port)'],
  ] as const)('%#: refuses %s with one message', (rule, text, message) => {
    expect(problem(() => (rule as inputs.Rule<number>).parse(text))).toBe(message);
  });

  it('reprocess 0x2 and 2e0 were accepted ids: an id is a plain positive decimal (0x2, 2e0, 01, 0, -1 and 2^53 refused)', () => {
    for (const text of ['0x2', '2e0', '01', '0', '-1', '+2', '2.0', '9007199254740993', '']) {
      expect(problem(() => inputs.observationId.parse(text)), text).toBe('must be an observation ID, a positive whole number such as 12');
    }
  });

  it('list --limit 99999999999999999999 printed "datatype mismatch": a limit is a whole number up to 100000', () => {
    expect(problem(() => inputs.listLimit.parse('99999999999999999999'))).toBe('needs a positive whole number up to 100000');
    expect(problem(() => inputs.listLimit.parse('100001'))).toBe('must be a positive whole number up to 100000');
  });

  it('text and JSON give the same verdict: the zod schema names the field and says the same', () => {
    expect(() => checkParams('live.start', { channels: 300 })).toThrow('live.start: channels: channels must be a power of two');
    expect(() => checkParams('live.start', { channels: 2 })).not.toThrow();
    expect(() => checkParams('live.start', { threads: 2 })).not.toThrow(); // unknown keys are stripped, as before
    expect(() => checkParams('observations.reprocess', { id: 1, integration: -1 })).toThrow('integration: integration must be from 0.01 to 3600 s');
    expect(() => checkParams('live.start', { tuning: { centerFrequency: 7e9 } })).toThrow('tuning.centerFrequency: frequency must be above 0 Hz and at most 6G (6 GHz)');
    expect(() => checkParams('live.start', { tuning: { centerFrequency: Infinity } })).toThrow(/frequency must be/);
  });
});

describe('site', () => {
  it('station.setSite accepted NUL and ESC in the site name: printable text only, at most 120 characters', () => {
    for (const name of ['Dish\u0000', 'Dish\u001b[31m', 'a\nb', 'x'.repeat(121), '   ']) {
      expect(() => checkParams('station.setSite', { name, lat: 52, lon: 0, altitude: 0 }), JSON.stringify(name)).toThrow(/station\.setSite: name: the site name must/);
    }
    expect(checkParams('station.setSite', { name: '  Jodrell Bank — Mark II ', lat: 53.23, lon: -2.3, altitude: 77 }).params).toMatchObject({ name: 'Jodrell Bank — Mark II' });
    expect(inputs.siteProblem({ name: 'ok', lat: 91, lon: 0, altitude: 0 })).toBe('latitude must be from -90 to 90 degrees');
  });

  it('the station refuses the same names whichever door they come by (station.json, the engine)', () => {
    expect(() => checkSettings({ site: { name: 'Dish\u0000', lat: 52, lon: 0, altitude: 0 } }, 'station.json')).toThrow(SettingsError);
    expect(() => checkSettings({ site: { name: 'Dish\u001b', lat: 52, lon: 0, altitude: 0 } }, 'station.json')).toThrow(/station\.json: site: the site name must be printable text/);
    expect(() => checkSettings({ rtlTcpEndpoints: ['pi:0'] }, 'station.json')).toThrow("station.json: rtlTcpEndpoints: port 0 of 'pi:0' is not 1–65535");
  });
});

describe('addresses and source specs', () => {
  it.each([
    ['127.0.0.1:1234', { host: '127.0.0.1', port: 1234 }],
    ['[::1]:1', { host: '::1', port: 1 }],
    ['pi.local:65535', { host: 'pi.local', port: 65535 }],
  ])('HOST:PORT %s', (text, value) => {
    expect(inputs.parseHostPort(text)).toEqual(value);
  });

  it('one HOST:PORT rule: the API, the station and the settings file say the same', () => {
    expect(inputs.endpointProblem('pi:0')).toBe("port 0 of 'pi:0' is not 1–65535");
    expect(() => checkParams('station.addEndpoint', { endpoint: 'pi:0' })).toThrow("station.addEndpoint: endpoint: port 0 of 'pi:0' is not 1–65535");
    expect(inputs.endpointProblem('pi:1234\u001b')).toBe("'pi:1234\\u001b' is not an rtl_tcp endpoint: write HOST:PORT, e.g. 192.168.1.20:1234 or [::1]:1234");
  });

  it.each([
    ['sim', { kind: 'sim', antenna: 0 }],
    ['sim:2', { kind: 'sim', antenna: 2 }],
    ['rtlsdr:0', { kind: 'rtlsdr', device: 0 }],
    ['rtlsdr:00000001', { kind: 'rtlsdr', device: '00000001' }],
    ['rtltcp:pi:1234', { kind: 'rtltcp', host: 'pi', port: 1234 }],
    ['rtltcp:[::1]:7', { kind: 'rtltcp', host: '::1', port: 7 }],
    ['rtltcp:pi', { kind: 'rtltcp', host: 'pi', port: 1234 }],
    ['file:/tmp/a b.sigmf-meta', { kind: 'file', path: '/tmp/a b.sigmf-meta' }],
    ['group:sim:0,sim:1', { kind: 'group', members: [{ kind: 'sim', antenna: 0 }, { kind: 'sim', antenna: 1 }] }],
  ])('source %s', (text, value) => {
    expect(inputs.parseSourceSpec(text)).toEqual(value);
    expect(inputs.parseSourceSpec(inputs.formatSourceSpec(inputs.parseSourceSpec(text)))).toEqual(value);
  });

  it.each([
    ['', /the spec is empty/],
    ['sim:01', /antenna '01' is not a number from 0 to 999/],
    ['rtltcp:pi:0', /port 0 is not 1–65535/],
    ['rtltcp:a b:1', /contains a space/],
    ['group:sim', /a group has 2–8 members/],
    [`group:${Array(9).fill('sim').join(',')}`, /a group has 2–8 members/],
    ['group:sim,group:sim,sim', /a group cannot contain a group/],
    ['sim\u0000', /contains a control character/],
  ])('refuses source %j', (text, why) => {
    expect(problem(() => inputs.parseSourceSpec(text))).toMatch(why);
  });

  it('the API takes the same grammar but no file: sources', () => {
    expect(() => checkParams('live.start', { source: 'group:sim:0,sim:1' })).not.toThrow();
    expect(() => checkParams('live.start', { source: 'file:/etc/passwd' })).toThrow(/source: a source is sim.*file: sources are opened from the command line/);
    expect(() => checkParams('live.start', { source: 'sim:01' })).toThrow(/source: a source is sim.*antenna '01' is not a number/);
  });
});

describe('the module the UI bundles', () => {
  it('imports no Node module, itself or through what it imports', async () => {
    const { readFileSync } = await import('node:fs');
    const { dirname, resolve } = await import('node:path');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
        if (m[1]) continue; // types vanish from the bundle
        const spec = m[2]!;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else expect(spec, `${file} imports ${spec}`).toBe('zod');
      }
    };
    visit(new URL('../../../src/api/inputs.ts', import.meta.url).pathname);
    expect([...seen].map((f) => f.replace(/.*\/(src|devices)\//, '$1/')).sort()).toEqual(['devices/errors.ts', 'devices/sdr/spec.ts', 'src/api/inputs.ts']);
  });
});

describe('rotator limits', () => {
  it('inverted limits are refused, naming both', () => {
    expect(inputs.rotatorLimitsProblem({ azMin: 90, azMax: 10, elMin: 0, elMax: 90 })).toBe('azMin 90° must be below azMax 10°');
    expect(inputs.rotatorLimitsProblem({ azMin: 0, azMax: 360, elMin: 0, elMax: 90 })).toBeNull();
  });
});

describe('every method\'s parameters, fuzzed', () => {
  it('any JSON value: the parameters parsed, or ApiError bad-request naming the field, never another exception', async () => {
    const fc = (await import('fast-check')).default;
    const { ApiError, methods } = await import('../../../src/api/contract.ts');
    const names = Object.keys(methods);
    const nasty = fc.constantFrom(-1, 0, 1, 2 ** 53, -(2 ** 31), 1e-300, 1e300, Number.NaN, Infinity, '', 'sim', 'group:sim,sim', 'file:/x', 'pi:0', 'a\u0000', 'auto', null, true, [], {});
    const value = fc.oneof(nasty, fc.jsonValue({ maxDepth: 2 }));
    const params = fc.oneof(value, fc.dictionary(fc.constantFrom('id', 'source', 'channels', 'taps', 'integration', 'tuning', 'name', 'lat', 'lon', 'altitude', 'endpoint', 'az', 'el', 'baud', 'target', 'mode'), fc.oneof(value, fc.dictionary(fc.constantFrom('centerFrequency', 'sampleRate', 'gain', 'ppm', 'biasTee'), value))));
    fc.assert(
      fc.property(fc.constantFrom(...names), params, (method, p) => {
        try {
          checkParams(method, p);
        } catch (err) {
          expect(err).toBeInstanceOf(ApiError);
          expect((err as InstanceType<typeof ApiError>).kind).toBe('bad-request');
          expect((err as Error).message.startsWith(`${method}: `)).toBe(true);
        }
      }),
      { seed: 99, numRuns: 1500, interruptAfterTimeLimit: 3000 },
    );
  });
});
