/**
 * Qualification runs for the UI: `fringe qualify` in a child process (so the
 * measurements' CPU work and timing runs do not share the station's event
 * loop), its reports kept under the data folder's qualification/<UTC time>/,
 * progress read from its per-requirement lines and sent as 'task' events.
 * One run at a time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { QualificationEntry, QualificationReport, QualifyTaskEvent } from '../api/types.ts';
import { expectedSeconds, selectRequirements } from '../qualify/run.ts';

const bin = fileURLToPath(new URL('../../bin/fringe.js', import.meta.url));

export class QualificationError extends Error {
  override name = 'QualificationError';
}

export class Qualification {
  private running: string | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly emit: (t: QualifyTaskEvent) => void,
  ) {}

  private get folder(): string {
    return join(this.dataDir, 'qualification');
  }

  /** Starts a run; resolves at once with its id and expected seconds (progress follows as events). */
  run(o: { quick: boolean; only?: string[] }): { id: string; expected: number } {
    if (this.running) throw new QualificationError(`a qualification run (${this.running}) is in progress: wait for it to end`);
    let reqs;
    try {
      reqs = selectRequirements({ only: o.only ?? null });
    } catch (err) {
      throw new QualificationError((err as Error).message);
    }
    let id = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    for (let n = 2; existsSync(join(this.folder, id)); n++) id = `${id.replace(/-\d+$/, '')}-${n}`;
    const out = join(this.folder, id);
    mkdirSync(out, { recursive: true });
    const expected = expectedSeconds(reqs, o.quick);
    const args = [bin, 'qualify', ...(o.quick ? ['--quick'] : []), '--out', out, ...(o.only?.length ? ['--only', ...o.only] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.running = id;
    const event = (e: Omit<QualifyTaskEvent, 'kind' | 'run'>) => this.emit({ kind: 'qualify', run: id, ...e });
    event({ fraction: 0, message: `${reqs.length} requirements, about ${Math.ceil(expected)} s` });
    let buffer = '', last = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const m = /^\[(\d+)\/(\d+)\] (\S+)\s+(PASS|FAIL|NOT-APPLICABLE)/.exec(line);
        if (m) event({ fraction: Number(m[1]) / Number(m[2]), message: `${m[3]} ${m[4]}` });
        else if (line.trim() && !/^Warning:|^qualify /.test(line)) last = line.trim();
      }
    });
    child.on('close', (code) => {
      this.running = null;
      const written = existsSync(join(out, 'report.json'));
      if (written && (code === 0 || code === 1)) event({ fraction: 1, message: last || 'done', result: code === 0 ? 'pass' : 'fail' });
      else event({ fraction: 1, message: `the run failed (exit ${code}): ${last}`, failed: true });
    });
    return { id, expected };
  }

  /** Stored reports, newest first. */
  list(): QualificationEntry[] {
    if (!existsSync(this.folder)) return [];
    const out: QualificationEntry[] = [];
    for (const id of readdirSync(this.folder).sort().reverse()) {
      const file = join(this.folder, id, 'report.json');
      if (!existsSync(file)) continue;
      try {
        const r = JSON.parse(readFileSync(file, 'utf8')) as QualificationReport;
        out.push({ id, started: r.started, quick: r.configuration.quick, source: r.configuration.source, total: r.summary.total, passed: r.summary.passed, failed: r.summary.failed, verdict: r.summary.verdict });
      } catch {
        // A report being written or damaged is not listed.
      }
    }
    return out;
  }

  get(id: string): QualificationReport {
    const file = join(this.folder, id, 'report.json');
    if (!existsSync(file)) throw new QualificationError(`no qualification report ${id} (qualify.list lists them)`);
    return JSON.parse(readFileSync(file, 'utf8')) as QualificationReport;
  }
}
