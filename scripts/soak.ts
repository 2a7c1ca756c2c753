/**
 * `npm run soak [-- --minutes N --out FILE --seed S]`: the headless station
 * left running under a steady, seeded churn (issue 10), then checked.
 *
 * `fringe serve` runs as a child process on the simulator. For N minutes
 * (default 30): recordings start and stop (spectrum, total power, raw IQ),
 * WebSocket clients connect and disconnect (some cleanly, some by reset), a
 * simulated rotator (driver `sim`) moves, and every finished spectrum
 * observation is uploaded to a loopback HTTP target that fails on purpose
 * (500s, connection resets, replies lost after the file was stored, slow
 * replies). Then everything stops, the station idles, and the script checks:
 *
 *  - memory (VmRSS) and thread and fd counts (/proc/PID/status, /proc/PID/fd)
 *    are back where they were after warm-up, within the stated margins;
 *  - every observation is complete or interrupted, with its data (integrations,
 *    or the raw SigMF file on disk);
 *  - nothing is duplicated at the target: no file stored twice, no name reused
 *    by two observations, every done upload's bytes there with their SHA-256.
 *
 * Prints a table of figures and writes them as JSON (--out, default
 * soak-report.json). Exit 0 when every check holds, 1 when one fails, 2 for a
 * wrong command line. Not part of `npm test` (it takes minutes by design).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Store } from '../observations/store/store.ts';
import type { StationStatus } from '../src/api/types.ts';
import { startServe, type ServeChild } from '../test/src/server/serve-child.ts';
import { ApiClient, RawWebSocket } from '../test/src/server/wire.ts';

/** Margins for "back where it started": the end sample may exceed the warm-up sample by at most this. */
const margins = {
  /** Resident memory (MiB), or this fraction of the warm-up value, whichever is larger: V8 keeps heap it has grown into. */
  rssMiB: 64,
  rssFraction: 0.25,
  /** Threads: the same, give or take libuv's pool starting a thread late. */
  threads: 2,
  /** Open file descriptors. */
  fds: 4,
};

interface Sample {
  at: number;
  rssMiB: number;
  threads: number;
  fds: number;
}

function sample(pid: number, t0: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { at: (Date.now() - t0) / 1000, rssMiB: field('VmRSS') / 1024, threads: field('Threads'), fds: readdirSync(`/proc/${pid}/fd`).length };
}

/** Seeded uniform numbers in [0, 1) (mulberry32): the same churn on every run with the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The flaky upload target: stores a PUT's body under its path, deduplicating
 * by Idempotency-Key as the uploader's protocol asks (observations/upload/http.ts),
 * and misbehaves on purpose: 500 before reading, a reset mid-body, the reply
 * lost after the file was stored (the uploader must not store it twice), a
 * slow reply.
 */
function flakyTarget(rand: () => number) {
  const stored = new Map<string, { key: string; sha256: string; bytes: number; times: number }>();
  const keys = new Map<string, string>();
  const counts = { requests: 0, ok: 0, duplicateAnswered: 0, status500: 0, resetMidBody: 0, lostReply: 0, slow: 0, storedTwice: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    counts.requests++;
    const roll = rand();
    if (roll < 0.15) {
      counts.status500++;
      req.resume();
      res.writeHead(500).end('flaky target: try again\n');
      return;
    }
    if (roll < 0.25) {
      counts.resetMidBody++;
      req.once('data', () => req.socket.destroy());
      req.once('end', () => req.socket.destroy());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = String(req.headers['idempotency-key'] ?? '');
      const name = req.url ?? '/';
      const sha256 = createHash('sha256').update(body).digest('hex');
      if (key && keys.has(key)) {
        counts.duplicateAnswered++;
        res.writeHead(200, { 'x-upload-duplicate': '1', 'x-checksum-sha256': sha256 }).end();
        return;
      }
      const had = stored.get(name);
      if (had) {
        had.times++;
        counts.storedTwice++;
      } else stored.set(name, { key, sha256, bytes: body.length, times: 1 });
      if (key) keys.set(key, name);
      if (roll < 0.35) {
        // Stored, but the reply never arrives.
        counts.lostReply++;
        req.socket.destroy();
        return;
      }
      const reply = () => {
        counts.ok++;
        res.writeHead(201, { 'x-checksum-sha256': sha256 }).end();
      };
      if (roll < 0.45) {
        counts.slow++;
        setTimeout(reply, 1000 + 3000 * rand());
      } else reply();
    });
  });
  return { server, stored, counts };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, out: { type: 'string', default: 'soak-report.json' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean', default: false } } }));
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\nUsage: npm run soak -- [--minutes N] [--out FILE] [--seed S] [--keep]\n`);
    return 2;
  }
  const minutes = Number(values.minutes), seed = Number(values.seed);
  if (!(minutes > 0 && minutes <= 24 * 60)) {
    process.stderr.write(`soak: --minutes must be a number of minutes, 0 < N ≤ 1440 (got '${values.minutes}')\n`);
    return 2;
  }
  if (!Number.isInteger(seed)) {
    process.stderr.write(`soak: --seed must be a whole number (got '${values.seed}')\n`);
    return 2;
  }
  const rand = random(seed);
  const dir = mkdtempSync(join(tmpdir(), 'fringe-soak-'));
  const target = flakyTarget(random(seed + 1));
  await new Promise<void>((r) => target.server.listen(0, '127.0.0.1', r));
  const targetPort = (target.server.address() as AddressInfo).port;
  const t0 = Date.now();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
  log(`soak: ${minutes} min, seed ${seed}, data in ${dir}, flaky target on 127.0.0.1:${targetPort}`);

  let serve: ServeChild | null = null;
  const counts = { recordings: { spectrum: 0, totalpower: 0, raw: 0 }, uploadsStarted: 0, clientsOpened: 0, clientsReset: 0, rotatorMoves: 0, callErrors: [] as string[] };
  const samples: Sample[] = [];
  const observations: Array<{ id: number; mode: string }> = [];
  try {
    serve = await startServe(['--db', dir, '--backend', 'cpu', '--source', 'sim']);
    const pid = serve.pid;
    const control = await ApiClient.open(serve.port);
    await control.ok('targets.add', { kind: 'http', name: 'flaky', url: `http://127.0.0.1:${targetPort}/archive/`, method: 'PUT' });
    await control.ok('rotator.connect', { driver: 'sim' });
    await control.waitFor('spectrum', () => true, 60_000);

    const clients: ApiClient[] = [];
    const runFor = minutes * 60_000;
    // Warm-up: one of each kind of cycle before the baseline sample.
    const warmup = Math.min(60_000, runFor / 4);
    let baseline: Sample | null = null;
    let nextSample = 0;
    const cycleModes = ['spectrum', 'totalpower', 'spectrum', 'raw'] as const;
    let cycle = 0;
    while (Date.now() - t0 < runFor) {
      const elapsed = Date.now() - t0;
      if (baseline === null && elapsed >= warmup) {
        baseline = sample(pid, t0);
        samples.push(baseline);
        log(`baseline: RSS ${baseline.rssMiB.toFixed(1)} MiB, ${baseline.threads} threads, ${baseline.fds} fds`);
      }
      if (elapsed >= nextSample) {
        const s = sample(pid, t0);
        samples.push(s);
        nextSample = elapsed + 15_000;
      }
      // One recording cycle: start, churn clients and the rotator while it runs, stop, upload.
      const mode = cycleModes[cycle++ % cycleModes.length]!;
      const rec = await control.call('record.start', { mode, target: `soak-${cycle}` });
      if (rec.error) {
        counts.callErrors.push(`record.start ${mode}: ${rec.error.message}`);
        await sleep(1000);
        continue;
      }
      const id = (rec.result as { id: number }).id;
      observations.push({ id, mode });
      counts.recordings[mode]++;
      const runMs = (mode === 'raw' ? 2000 : 4000) + rand() * 6000;
      const until = Date.now() + runMs;
      while (Date.now() < until) {
        const r = rand();
        if (r < 0.4 || clients.length === 0) {
          const c = await ApiClient.open(serve.port);
          counts.clientsOpened++;
          clients.push(c);
        } else if (r < 0.7) {
          const c = clients.splice(Math.floor(rand() * clients.length), 1)[0]!;
          c.close();
        } else if (r < 0.8) {
          // A client that vanishes without a close handshake.
          const raw = await RawWebSocket.open(serve.port);
          raw.socket.resetAndDestroy();
          counts.clientsReset++;
        } else {
          const moved = await control.call('rotator.goto', { az: Math.round(rand() * 359), el: Math.round(5 + rand() * 80) });
          if (moved.error) counts.callErrors.push(`rotator.goto: ${moved.error.message}`);
          else counts.rotatorMoves++;
        }
        while (clients.length > 6) clients.shift()!.close();
        await sleep(300 + rand() * 700);
      }
      const stopped = await control.call('record.stop', undefined, 120_000);
      if (stopped.error) counts.callErrors.push(`record.stop: ${stopped.error.message}`);
      if (mode !== 'raw') {
        const up = await control.call('uploads.start', { id, format: rand() < 0.5 ? 'csv' : 'fits', target: 'flaky' });
        if (up.error) counts.callErrors.push(`uploads.start ${id}: ${up.error.message}`);
        else counts.uploadsStarted++;
      }
      log(`cycle ${cycle}: ${mode} observation ${id} (${(runMs / 1000).toFixed(1)} s), ${clients.length} clients open, target: ${target.counts.requests} requests`);
    }

    // Quiet: clients gone, nothing recording; uploads left to finish or give up on their own (bounded wait).
    for (const c of clients.splice(0)) c.close();
    const quietUntil = Date.now() + Math.min(120_000, Math.max(20_000, runFor / 10));
    let jobs: Array<{ job: number; observation: number | null; state: string; file: string; attempts: number }> = [];
    while (Date.now() < quietUntil) {
      jobs = await control.ok('uploads.list', {});
      if (!jobs.some((j) => j.state === 'running')) break;
      await sleep(1000);
    }
    await sleep(5000);
    const end = sample(pid, t0);
    samples.push(end);
    jobs = await control.ok('uploads.list', {});
    const status = await control.ok<StationStatus>('station.status');
    control.close();
    const stop = await serve.stop('SIGTERM');
    serve = null;

    // Every observation complete or interrupted, with its data.
    const store = Store.open(dir);
    const obsChecks = observations.map(({ id, mode }) => {
      const o = store.getObservation(id);
      const raw = mode === 'raw' ? store.rawRecordingPath(id, 'iq').absolute : null;
      const rawBytes = raw && existsSync(raw) ? statSync(raw).size : 0;
      const hasData = mode === 'raw' ? rawBytes > 0 : o.integrations > 0;
      return { id, mode, status: o.status, integrations: o.integrations, rawBytes, ok: (o.status === 'complete' || o.status === 'interrupted') && hasData };
    });
    store.close();

    // Nothing duplicated at the target.
    const names = [...target.stored.keys()];
    const storedTwice = [...target.stored.values()].filter((s) => s.times > 1).length;
    const doneJobs = jobs.filter((j) => j.state === 'done');
    const doneMissing = doneJobs.filter((j) => ![...target.stored.keys()].some((n) => n.endsWith(`/${j.file}`)));
    const namesPerObservation = new Map<string, Set<number>>();
    for (const j of jobs) {
      if (j.observation === null) continue;
      namesPerObservation.set(j.file, (namesPerObservation.get(j.file) ?? new Set()).add(j.observation));
    }
    const nameCollisions = [...namesPerObservation.entries()].filter(([, ids]) => ids.size > 1).map(([n]) => n);

    const base = baseline ?? samples[0]!;
    const rssLimit = base.rssMiB + Math.max(margins.rssMiB, base.rssMiB * margins.rssFraction);
    const checks = {
      rss: { ok: end.rssMiB <= rssLimit, detail: `${base.rssMiB.toFixed(1)} → ${end.rssMiB.toFixed(1)} MiB (limit ${rssLimit.toFixed(1)}: +max(${margins.rssMiB} MiB, ${margins.rssFraction * 100} %))` },
      threads: { ok: end.threads <= base.threads + margins.threads, detail: `${base.threads} → ${end.threads} (limit +${margins.threads})` },
      fds: { ok: end.fds <= base.fds + margins.fds, detail: `${base.fds} → ${end.fds} (limit +${margins.fds})` },
      observations: { ok: obsChecks.every((o) => o.ok), detail: `${obsChecks.filter((o) => o.ok).length} of ${obsChecks.length} complete or interrupted with their data` },
      noDuplicates: { ok: storedTwice === 0 && nameCollisions.length === 0, detail: `${names.length} files at the target, ${storedTwice} stored twice, ${nameCollisions.length} names shared by two observations` },
      doneUploadsThere: { ok: doneMissing.length === 0, detail: `${doneJobs.length} uploads done, ${doneMissing.length} of them missing at the target` },
      stopped: { ok: stop.ms < 2000 && stop.signal === null, detail: `SIGTERM → exit in ${stop.ms.toFixed(0)} ms (code ${stop.code ?? stop.signal})` },
      noLeftRecording: { ok: status.recording === null, detail: status.recording ? `still recording ${status.recording.id}` : 'nothing recording at the end' },
    };
    const report = {
      minutes,
      seed,
      startedAt: new Date(t0).toISOString(),
      seconds: (Date.now() - t0) / 1000,
      margins,
      baseline: base,
      end,
      peak: { rssMiB: Math.max(...samples.map((s) => s.rssMiB)), threads: Math.max(...samples.map((s) => s.threads)), fds: Math.max(...samples.map((s) => s.fds)) },
      samples,
      activity: { ...counts, target: target.counts, uploads: { jobs: jobs.length, byState: Object.fromEntries(['done', 'failed', 'queued', 'running'].map((s) => [s, jobs.filter((j) => j.state === s).length])) } },
      observations: obsChecks,
      checks,
      ok: Object.values(checks).every((c) => c.ok),
    };
    writeFileSync(values.out!, `${JSON.stringify(report, null, 2)}\n`);
    const rows: Array<[string, string]> = [
      ['duration', `${report.seconds.toFixed(0)} s (${minutes} min of churn, seed ${seed})`],
      ['recordings', `${counts.recordings.spectrum} spectrum, ${counts.recordings.totalpower} total power, ${counts.recordings.raw} raw`],
      ['clients', `${counts.clientsOpened} opened, ${counts.clientsReset} reset without closing`],
      ['rotator moves', String(counts.rotatorMoves)],
      ['uploads', `${counts.uploadsStarted} started; jobs ${JSON.stringify(report.activity.uploads.byState)}`],
      ['flaky target', `${target.counts.requests} requests: ${target.counts.status500} × 500, ${target.counts.resetMidBody} resets mid-body, ${target.counts.lostReply} replies lost after storing, ${target.counts.slow} slow, ${target.counts.duplicateAnswered} retries recognised as duplicates`],
      ['peak', `RSS ${report.peak.rssMiB.toFixed(1)} MiB, ${report.peak.threads} threads, ${report.peak.fds} fds`],
      ['call errors', counts.callErrors.length ? counts.callErrors.slice(0, 5).join('; ') : 'none'],
    ];
    for (const [name, c] of Object.entries(checks)) rows.push([`${c.ok ? 'ok  ' : 'FAIL'} ${name}`, c.detail]);
    const w = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`\n${rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n')}\n\nfigures written to ${values.out}\n`);
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).stack ?? err}\n${serve ? `station stderr:\n${serve.stderr().slice(-4000)}\n` : ''}`);
    return 1;
  } finally {
    if (serve) await serve.stop('SIGKILL');
    target.server.closeAllConnections();
    target.server.close();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`soak: data kept in ${dir}\n`);
  }
}

process.exitCode = await main();
