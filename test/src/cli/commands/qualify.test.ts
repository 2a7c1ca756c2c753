/**
 * `fringe qualify`: the command line (pure parse), and the quick suite as CI
 * runs it — through the bin in a child process, failing when a requirement
 * fails — with the report's JSON, HTML and PDF, and `render` re-rendering from
 * the JSON alone.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/cli/command.ts';
import { parse } from '../../../../src/cli/commands/qualify.ts';
import { serveSim } from '../../../../src/cli/commands/sim.ts';
import type { Report } from '../../../../src/qualify/types.ts';
import { chromiumPath } from '../../../../src/qualify/pdf.ts';
import { skipUnless, tools } from '../../../helpers/tools.ts';
import { fringeBin } from './run-fringe.ts';

const dir = mkdtempSync(join(tmpdir(), 'fringe-qualify-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The bin in a child process with room for the quick suite on a loaded machine. */
function fringe(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fringeBin, ...args], { timeout: 240_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('fringe qualify: the command line', () => {
  const bad: Array<[string[], RegExp]> = [
    [[], /give --out DIR/],
    [['--quick'], /give --out DIR/],
    [['--out', 'x', '--only'], /--only needs one or more requirement ids/],
    [['--out', 'x', '--only', 'cor-sk'], /capitals, digits and dashes/],
    [['--out', 'x', '--only', 'COR-NOPE'], /no such requirement/],
    [['--out', 'x', '--only', 'HW-DC'], /only with --source/],
    [['--out', 'x', '--reference', '1419.6M'], /--reference is for the hardware self-test/],
    [['--out', 'x', '--source', 'group:sim:0,sim:1'], /not a group/],
    [['--out', 'x', '--source', 'nonsense'], /unknown kind 'nonsense'/],
    [['--out', 'x', '--seed', '-1'], /--seed/],
    [['--out', 'x', '--bogus'], /unknown argument '--bogus'/],
    [['--out', 'x', '--rotator', 'gs232b'], /--rotator: the gs232b driver needs its serial port/],
    [['render'], /render takes one argument/],
    [['render', 'a.json', 'b.json'], /render takes one argument/],
  ];
  for (const [argv, message] of bad) {
    it(`refuses ${JSON.stringify(argv)} with a UsageError (exit 2)`, () => {
      expect(() => parse(argv)).toThrow(UsageError);
      expect(() => parse(argv)).toThrow(message);
    });
  }
  it('reads a run, a list of ids after one --only, and render', () => {
    expect(parse(['--quick', '--out', 'd', '--only', 'COR-SK', 'COR-PFB-*', '--seed', '7'])).toEqual({ kind: 'run', out: 'd', quick: true, only: ['COR-SK', 'COR-PFB-*'], seed: 7, list: false });
    expect(parse(['--out', 'd', '--source', 'rtltcp:127.0.0.1:1234', '--reference', '1419.6M', '--only', 'HW-'])).toMatchObject({ source: 'rtltcp:127.0.0.1:1234', reference: 1_419_600_000, only: ['HW-'] });
    expect(parse(['render', 'd/report.json'])).toEqual({ kind: 'render', report: 'd/report.json' });
  });
});

describe('fringe qualify --quick --out DIR (what CI runs): every requirement met, JSON, HTML and PDF', () => {
  const out = join(dir, 'quick');
  it('exits 0 with a report whose every requirement passed, in under a minute of measuring', async (t) => {
    const noChromium = skipUnless(chromiumPath() ? null : 'needs Chromium (/usr/bin/chromium) to print the PDF');
    if (noChromium) return t.skip(noChromium);
    const r = await fringe(['qualify', '--quick', '--out', out]);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    const failed = report.requirements.filter((x) => x.verdict === 'fail');
    // A requirement timed by the host clock that missed its limit on a busy machine is 'inconclusive' (it says so), not failed.
    for (const x of report.requirements.filter((q) => q.verdict === 'inconclusive')) expect(x.notes[0], x.id).toMatch(/^inconclusive: .* busy with other work \(load average/);
    expect({ code: r.code, failed: failed.map((x) => `${x.id}: ${x.measured} ${x.unit} (${x.limitText}) ${x.notes.join('; ')}`) }).toEqual({ code: 0, failed: [] });
    expect(r.stderr).toMatch(/expected about \d+ s/);
    expect(r.stderr).toMatch(/\[1\/\d+\] COR-PFB-WIDTH +PASS/);
    expect(report.summary.verdict).toBe('pass');
    expect(report.configuration).toMatchObject({ quick: true, source: null });
    expect(report.software.version).toMatch(/^\d+\.\d+\.\d+/);
    // Every requirement carries its limit, the measured value, the unit, and the arrays of its plots.
    for (const q of report.requirements) {
      expect(q).toMatchObject({ id: expect.any(String), title: expect.any(String), limitText: expect.any(String), unit: expect.any(String) });
      for (const p of q.plots) for (const s of p.series) expect(s.x.length).toBe(s.y.length);
    }
    expect(report.requirements.find((q) => q.id === 'COR-PFB-WIDTH')!.plots[0]!.series[0]!.x.length).toBeGreaterThan(100);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const q of report.requirements) expect(html).toContain(q.id);
    expect((html.match(/<svg /g) ?? []).length).toBe(report.requirements.reduce((s, q) => s + q.plots.length, 0));
    expect(readFileSync(join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    if (!skipUnless(tools.command('pdftotext'))) {
      const text = execFileSync('pdftotext', [join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('instrument qualification report');
      expect(text).toContain(`${report.summary.passed} of ${report.summary.total} requirements met`);
    }
    // How long the quick suite measured (it aims at under a minute on an idle 2-core machine): a figure, not a timed assertion.
    const seconds = (Date.parse(report.finished) - Date.parse(report.started)) / 1000;
    console.log(`fringe qualify --quick: ${seconds.toFixed(0)} s of measuring at load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  }, 300_000);

  it('render re-renders the HTML and PDF from report.json alone, the same HTML', async (t) => {
    if (!existsSync(join(out, 'report.json'))) return t.skip('the quick run above did not write a report');
    const before = readFileSync(join(out, 'report.html'), 'utf8');
    unlinkSync(join(out, 'report.html'));
    unlinkSync(join(out, 'report.pdf'));
    const r = await fringe(['qualify', 'render', join(out, 'report.json')]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(before);
    expect(existsSync(join(out, 'report.pdf'))).toBe(true);
  }, 120_000);

  it('render refuses a file that is not a report (exit 2)', async () => {
    const f = join(dir, 'not-a-report.json');
    writeFileSync(f, '{"hello": 1}');
    const r = await fringe(['qualify', 'render', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a fringe qualification report/);
  });
});

describe('fringe qualify exits 1 when a requirement fails', () => {
  it('a simulated dongle 5 ppm fast over rtl_tcp: HW-FREQUENCY fails, the report is written and says so', async () => {
    const scenario = join(dir, 'fast-clock.json');
    writeFileSync(scenario, JSON.stringify({ antennas: [{ clockPpm: 5 }] }));
    const sim = await serveSim({ host: '127.0.0.1', port: 0, scenario });
    const out = join(dir, 'hw');
    try {
      const r = await fringe(['qualify', '--quick', '--source', `rtltcp:127.0.0.1:${sim.address.port}`, '--reference', '1419.6M', '--only', 'HW-FREQUENCY', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/FAIL HW-FREQUENCY: measured -4\.9\d*/);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
      expect(report.summary).toMatchObject({ total: 1, failed: 1, verdict: 'fail' });
      expect(existsSync(join(out, 'report.html'))).toBe(true);
    } finally {
      await sim.close();
    }
  }, 120_000);
});
