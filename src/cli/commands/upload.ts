/** `fringe upload ID --target NAME`: sends an observation's exports through the persistent queue. */
import { existsSync, readFileSync } from 'node:fs';
import { isUsageProblem, openStore } from '../../../observations/cli-support.ts';
import { Progress } from '../progress.ts';
import { exportFormats, isExportFormat } from '../../../observations/export/index.ts';
import { exportForUpload } from '../../../observations/upload/export.ts';
import { FtpTransport } from '../../../observations/upload/ftp.ts';
import { HttpTransport } from '../../../observations/upload/http.ts';
import { UploadQueue } from '../../../observations/upload/queue.ts';
import { TargetStore } from '../../../observations/upload/targets.ts';
import * as inputs from '../../api/inputs.ts';
import { type Command, UsageError, dbOption, exitCodes, observationId, option, parseCommandLine } from '../command.ts';

const help = `Usage: fringe upload ID --target NAME [--format F] [options]
       fringe upload retry JOB [options]

Queues the observation's exports for upload to a target and runs the queue
until every job is done or has failed; retries wait with exponential backoff.
Jobs survive a restart: running it again resumes them, and a file the
server already has is never sent twice. A job that failed (its attempts ran
out) is queued again with fresh attempts when the same upload is asked for
again, or by \`fringe upload retry JOB\` (JOB is the first column printed).

Options:
  --target NAME     an upload target (see fringe targets)
  --format F        export as F first (${exportFormats.join(', ')}) into the data folder's exports/;
                    without it, every existing export of the observation is sent
  --station NAME    with --format callisto: station name
  --attempts N      attempts per job before it fails (default 8)
  --backoff S       first retry delay, seconds (default 5; doubles each attempt, at most 900)
  --timeout S       give up an attempt after S seconds without progress (default 30)
  --ca FILE         HTTPS: also trust the CA certificate(s) in FILE (PEM)
  --db DIR          data folder (default: FRINGE_DATA_DIR, else the platform's user-data folder)

Progress goes to stderr; one line per job (id, state, file) to stdout.
Exit codes: 0 all uploaded, 1 a job failed, 2 bad usage, no such observation or target.`;

/** The one upload job id `fringe upload retry` takes (a positive whole number), or a UsageError. */
function jobId(positionals: readonly string[]): number {
  const s = positionals[0];
  if (positionals.length !== 1 || s === undefined || !/^[1-9]\d*$/.test(s)) throw new UsageError('fringe upload retry takes one upload job id (a positive whole number): the first column fringe upload printed.');
  return Number(s);
}

/** The command line read: pure; UsageError for every mistake. */
export function parse(argv: string[]) {
  const { values, positionals } = parseCommandLine({
    args: argv, allowPositionals: true,
    options: {
      target: { type: 'string' }, format: { type: 'string' }, station: { type: 'string' }, attempts: { type: 'string' },
      backoff: { type: 'string' }, timeout: { type: 'string' }, ca: { type: 'string' }, db: { type: 'string' },
    },
  });
  const retryJob = positionals[0] === 'retry' ? jobId(positionals.slice(1)) : null;
  const id = retryJob === null ? observationId(positionals) : 0;
  if (retryJob === null && !values.target) throw new UsageError('--target NAME is required (fringe targets list shows them).');
  if (values.format !== undefined && !isExportFormat(values.format)) throw new UsageError(`--format must be one of ${exportFormats.join(', ')}.`);
  const attempts = option('--attempts', values.attempts, {
    parse: (t) => {
      const n = inputs.parseWhole(t, 'needs a whole number from 1 to 100');
      if (n < 1 || n > 100) throw new inputs.InputError('needs a whole number from 1 to 100', t);
      return n;
    },
  }) ?? 8;
  const backoff = option('--backoff', values.backoff, {
    parse: (t) => {
      const n = inputs.parseDecimal(t, 'needs a number of seconds from 0 to 900');
      if (!(n >= 0 && n <= 900)) throw new inputs.InputError('needs a number of seconds from 0 to 900', t);
      return n;
    },
  }) ?? 5;
  const timeoutMs = (option('--timeout', values.timeout, inputs.timeout) ?? 30) * 1000;
  dbOption(values.db);
  const format = values.format as Parameters<typeof exportForUpload>[2] | undefined;
  return { id, retryJob, values: { ...values, format }, attempts, backoff, timeoutMs };
}

export const command: Command = {
  name: 'upload',
  summary: 'Upload an observation’s exports to an HTTP or FTP target, with retries',
  help,
  parse,
  async run(argv) {
    const { id, retryJob, values, attempts, backoff, timeoutMs } = parse(argv);
    let ca: string | undefined;
    if (values.ca !== undefined) {
      try {
        ca = readFileSync(values.ca, 'utf8');
      } catch (err) {
        throw new UsageError(`--ca: cannot read ${values.ca}: ${(err as Error).message}`);
      }
    }
    const abort = new AbortController();
    const onSigint = (): void => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const store = openStore(dbOption(values.db));
      try {
        const targets = new TargetStore(store.dir);
        const queue = new UploadQueue(store, { maxAttempts: attempts, backoffBase: backoff, backoffMax: Math.max(backoff, 900) });
        const mine = new Set<number>();
        if (retryJob !== null) {
          const job = queue.get(retryJob);
          if (job.state === 'done') throw new UsageError(`upload job ${job.id} (${job.remoteName} to ${job.target}) is already done; nothing to retry.`);
          if (job.state === 'failed') queue.retry(job.id);
          targets.get(job.target);
          mine.add(job.id);
        } else {
          targets.get(values.target!);
          let files: { path: string; exportId?: number }[];
          if (values.format) {
            const progress = new Progress(`exporting ${id} as ${values.format}`);
            const r = exportForUpload(store, id, values.format, { station: values.station, onProgress: (done: number, total: number) => progress.count(done, total) });
            progress.interrupt();
            files = [{ path: r.path, exportId: r.exportId }];
          } else {
            store.getObservation(id);
            files = store.exports(id).filter((e) => existsSync(store.filePath(e.path))).map((e) => ({ path: store.filePath(e.path), exportId: e.id }));
            if (files.length === 0) throw new UsageError(`observation ${id} has no export on disk; give --format or run fringe export first.`);
          }
          for (const f of files) {
            const job = await queue.enqueue({ path: f.path, target: values.target!, observationId: id, exportId: f.exportId });
            // Asked for again: a job whose attempts ran out gets fresh ones, instead of reprinting the old failure.
            if (job.state === 'failed') {
              process.stderr.write(`upload ${job.id}: failed before (${job.lastError ?? 'unknown error'}); trying again\n`);
              queue.retry(job.id);
            }
            mine.add(job.id);
          }
        }
        const bars = new Map<number, Progress>();
        await queue.drain((n) => targets.get(n), { http: new HttpTransport({ timeoutMs, ca }), ftp: new FtpTransport({ timeoutMs }) }, (e) => {
          if (e.type === 'progress') {
            if (!bars.has(e.job.id)) bars.set(e.job.id, new Progress(`uploading ${e.job.remoteName}`));
            bars.get(e.job.id)!.count(e.sent, e.total);
          } else if (e.type === 'retry') {
            bars.get(e.job.id)?.interrupt();
            bars.delete(e.job.id);
            process.stderr.write(`upload ${e.job.id}: ${e.error}; retrying in ${e.delay} s\n`);
          } else if (e.type === 'done' || e.type === 'failed') {
            bars.get(e.job.id)?.interrupt();
          }
        }, abort.signal);
        let ok = true;
        for (const jobId of mine) {
          const j = queue.get(jobId);
          if (j.state !== 'done') ok = false;
          console.log(`${j.id}\t${j.state}\t${j.remoteName}${j.lastError && j.state !== 'done' ? `\t${j.lastError}` : ''}`);
        }
        return ok ? exitCodes.ok : exitCodes.failure;
      } finally {
        store.close();
      }
    } catch (err) {
      if (isUsageProblem(err)) throw new UsageError((err as Error).message);
      throw err;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
