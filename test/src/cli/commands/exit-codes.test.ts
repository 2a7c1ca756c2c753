/**
 * One exit-code rule for every `fringe` command, through the real bin:
 * 2 for a wrong command line (including an id that names no observation),
 * 1 for a failure (device, network, disk), each with a message that says
 * what was wrong. The commands run in parallel, a few at a time (each is a
 * Node process starting tsx: ~1–3 s on a busy 2-core machine).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fringe } from './run-fringe.ts';

let dir = '';
let db = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fringe-exit-'));
  db = join(dir, 'data');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [name of the case, arguments (DB: the test's data folder), exit code, what stderr says]. */
type Case = [string, () => string[], 0 | 1 | 2, RegExp];

const cases: Case[] = [
  // Wrong command lines: 2, for every command.
  ['list --limit 99999999999999999999 printed "datatype mismatch"', () => ['list', '--limit', '99999999999999999999', '--db', db], 2, /--limit needs a positive whole number up to 100000 \(got '99999999999999999999'\)/],
  ['reprocess 0x2 was an accepted id', () => ['reprocess', '0x2', '--db', db], 2, /give one observation ID \(a positive whole number such as 12, got '0x2'\)/],
  ['reprocess 2e0 was an accepted id', () => ['reprocess', '2e0', '--db', db], 2, /got '2e0'/],
  ['reprocess 999 exited 1 (an id that names no observation)', () => ['reprocess', '999', '--db', db], 2, /no observation 999/],
  ['serve --port \'\' listened on a random port', () => ['serve', '--port', '', '--db', db], 2, /--port must be a port number from 0 to 65535 \(0: any free port\) \(got ''\)/],
  ['rotator --timeout -5 was accepted', () => ['rotator', '--driver', 'sim', '--timeout', '-5', 'goto', '10', '10'], 2, /--timeout must be above 0 and at most 86400 s/],
  ['--integration -1 gave node\'s raw "argument is ambiguous"', () => ['observe', '--integration', '-1', '--db', db], 2, /--integration must be from 0\.01 to 3600 s \(got '-1'\)/],
  ['observe: malformed --source exited 1', () => ['observe', '--source', 'hackrf:0', '--db', db], 2, /Source 'hackrf:0': unknown kind 'hackrf'/],
  ['observe --db \'\' exited 1', () => ['observe', '--db', ''], 2, /--db needs a folder path/],
  ['rotator: inverted limits exited 1', () => ['rotator', '--driver', 'sim', '--az-min', '90', '--az-max', '10', 'position'], 2, /azMin 90° must be below azMax 10°/],
  ['observe --threads 17 (above the CPU backend\'s cap)', () => ['observe', '--threads', '17', '--db', db], 2, /--threads must be a whole number from 0 to 16/],
  ['observe --channels 1 (below the correlator\'s 2)', () => ['observe', '--channels', '1', '--db', db], 2, /--channels must be from 2 to 65536/],
  ['record --rate 1e-300', () => ['record', '--source', 'sim', '--rate', '1e-300', '--seconds', '1', '--out', join(dir, 'x.sigmf-meta')], 2, /--rate must be above 225k/],
  ['show 01', () => ['show', '01', '--db', db], 2, /give one observation ID/],
  ['delete 0x1', () => ['delete', '0x1', '--yes', '--db', db], 2, /give one observation ID/],
  ['export 1 --recording -1', () => ['export', '1', '--format', 'sigmf', '--out', join(dir, 'e'), '--recording', '-1', '--db', db], 2, /--recording needs a whole number from 0 to 9999/],
  ['upload 1 --timeout 0', () => ['upload', '1', '--target', 'x', '--timeout', '0', '--db', db], 2, /--timeout must be above 0/],
  ['targets frob', () => ['targets', 'frob', '--db', db], 2, /give add, list or remove/],
  ['devices --db \'\'', () => ['devices', '--db', ''], 2, /--db needs a folder/],
  ['sim --rtl-tcp localhost', () => ['sim', '--rtl-tcp', 'localhost'], 2, /--rtl-tcp needs HOST:PORT/],
  ['sim --antenna 1e3', () => ['sim', '--rtl-tcp', '127.0.0.1:0', '--antenna', '1e3'], 2, /--antenna needs a whole number from 0 to 999/],
  ['an unknown command', () => ['frobnicate'], 2, /unknown command 'frobnicate'/],
  ['baseline 999 (no such observation)', () => ['baseline', '999', '--db', db], 2, /no observation 999/],
  ['size 1 --baseline-m 0', () => ['size', '1', '--baseline-m', '0', '--db', db], 2, /--baseline-m must be above 0 m/],
  // Failures at run time: 1.
  ['a DNS failure was reported as "Nothing is listening"', () => ['record', '--source', 'rtltcp:no-such-host.invalid:1234', '--seconds', '1', '--out', join(dir, 'dns.sigmf-meta')], 1, /No host named 'no-such-host\.invalid'/],
  ['record from a port nothing listens on', () => ['record', '--source', 'rtltcp:127.0.0.1:1', '--seconds', '1', '--out', join(dir, 'r.sigmf-meta')], 1, /Nothing is listening at 127\.0\.0\.1:1/],
  ['baseline of a single-dish observation', () => ['baseline', '1', '--target', 'sun', '--db', db], 1, /no cross products \(1 input, mode autos\)/],
  ['export of an observation without a raw recording', () => ['export', '1', '--format', 'sigmf', '--out', join(dir, 'raw'), '--db', db], 1, /no raw recording/],
];

describe('exit codes: 2 for a wrong command line, 1 for a failure, for every command', () => {
  beforeAll(async () => {
    // One spectrum observation (id 1), for the commands that need an existing id.
    const r = await fringe(['observe', '--seconds', '0.2', '--integration', '0.1', '--channels', '64', '--fast', '--backend', 'cpu', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('runs every case through the real bin', async () => {
    const results: { name: string; code: number; stderr: string; want: number; pattern: RegExp }[] = [];
    const queue = [...cases];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const [name, args, want, pattern] = c;
          const r = await fringe(args());
          results.push({ name, code: r.code, stderr: r.stderr, want, pattern });
        }
      }),
    );
    for (const r of results) {
      expect({ name: r.name, code: r.code }, r.stderr).toEqual({ name: r.name, code: r.want });
      expect(r.stderr, r.name).toMatch(r.pattern);
      expect(r.stderr, r.name).not.toMatch(/ambiguous|datatype mismatch|TypeError|at .*\.ts:\d+/);
    }
  }, 240_000);

  it('with --backend auto, a failing observe prints why it stopped, not only the backend note', async () => {
    const raw = join(dir, 'short.cu8');
    writeFileSync(raw, new Uint8Array(2 * 48_000).fill(128)); // 20 ms at 2.4 MS/s: ends before the 1 s asked for
    const r = await fringe(['observe', '--source', `file:${raw}`, '--rate', '2400000', '--seconds', '1', '--integration', '0.01', '--channels', '64', '--fast', '--backend', 'auto', '--db', db]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/note: the source ended before the requested duration/);
  }, 120_000);
});
