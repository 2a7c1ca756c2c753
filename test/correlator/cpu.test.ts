import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuBackend, maxThreads } from '../../correlator/cpu.ts';
import { CorrelatorError } from '../../correlator/errors.ts';
import { correlate, describeConformance } from './conformance.ts';
import { noiseCu8, relativeToPeak } from '../../src/analysis/signals.ts';

describeConformance('cpu (inline)', (config) => CpuBackend.create(config, { threads: 0 }));
describeConformance('cpu (2 worker threads)', (config) => CpuBackend.create(config, { threads: 2, batch: 7 }));

describe('cpu backend threads', () => {
  it('agrees across 0, 1 and 3 threads', async () => {
    const config = { inputs: 3, channels: 128, taps: 4, spectraPerIntegration: 60 };
    const streams = [0, 1, 2].map((a) => noiseCu8(128 * 200, 20, 70 + a));
    const [inline] = await correlate(await CpuBackend.create(config, { threads: 0, batch: 8 }), streams);
    const [one] = await correlate(await CpuBackend.create(config, { threads: 1, batch: 8 }), streams);
    const [three] = await correlate(await CpuBackend.create(config, { threads: 3, batch: 8 }), streams);
    // One worker does exactly what inline does; three sum partial sums in another order (float64 rounding only).
    expect(Array.from(one.visibilities)).toEqual(Array.from(inline.visibilities));
    expect(relativeToPeak(three.visibilities, inline.visibilities)).toBeLessThan(1e-12);
  });

  it('refuses a bad thread count and use after close', async () => {
    const config = { inputs: 1, channels: 16, taps: 1, spectraPerIntegration: 1 };
    await expect(CpuBackend.create(config, { threads: -1 })).rejects.toThrow(/threads must be an integer from 0/);
    await expect(CpuBackend.create(config, { threads: maxThreads + 1 })).rejects.toThrow(`threads must be an integer from 0 to ${maxThreads} (got ${maxThreads + 1})`);
    const b = await CpuBackend.create(config, { threads: 1 });
    await b.close();
    await expect(b.take()).rejects.toBeInstanceOf(CorrelatorError);
  });
});

describe('cpu backend start-up (--threads 64 deadlocked: 64 workers online, 28 ready, idle forever)', () => {
  it(`starts and closes ${maxThreads} worker threads three times, each start within its bounded wait, and computes with them`, async () => {
    const config = { inputs: 2, channels: 64, taps: 4, spectraPerIntegration: 40 };
    const streams = [noiseCu8(64 * 60, 20, 91), noiseCu8(64 * 60, 20, 92)];
    const [inline] = await correlate(await CpuBackend.create(config, { threads: 0, batch: 2 }), streams);
    for (let round = 0; round < 3; round++) {
      const backend = await CpuBackend.create(config, { threads: maxThreads, batch: 2, startTimeout: 240_000 });
      const [got] = await correlate(backend, streams);
      expect(relativeToPeak(got.visibilities, inline.visibilities)).toBeLessThan(1e-12);
    }
  }, 900_000);

  it('fails a start-up that cannot finish with a clear error and leaves no worker thread behind (the process exits)', async () => {
    // A real child process: before the fix a failed start left the other workers running, and the process never ended.
    const script = `
      const { CpuBackend } = await import(${JSON.stringify(fileURLToPath(new URL('../../correlator/cpu.ts', import.meta.url)))});
      await CpuBackend.create({ inputs: 1, channels: 64, taps: 4, spectraPerIntegration: 4 }, { threads: 6, startTimeout: 1 })
        .then(() => console.log('started'), (e) => console.log(e.message));`;
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 120_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout }),
      );
      child.stdin?.end();
    });
    expect(stdout).toMatch(/only \d of 6 CPU worker threads started within 0.001 s; try fewer threads/);
  }, 150_000);

  it('ends every worker when some start and others cannot get their WebAssembly memory (ulimit -v): the process exits instead of idling for ever', async () => {
    // The hang reproduced: under an address-space limit the first workers start and the rest fail to
    // instantiate; the old create rejected but left the started workers running, so the process never ended
    // (measured here: ulimit -v 300000000 with 16 threads, killed after 100 s). A real child process under the limit.
    const script = `
      const { CpuBackend } = await import(${JSON.stringify(fileURLToPath(new URL('../../correlator/cpu.ts', import.meta.url)))});
      await CpuBackend.create({ inputs: 2, channels: 1024, taps: 4, spectraPerIntegration: 16 }, { threads: 16 })
        .then((b) => { console.log('started'); return b.close(); }, (e) => console.log(e.message));`;
    const dir = mkdtempSync(join(tmpdir(), 'fringe-threads-'));
    const file = join(dir, 'start.mts');
    writeFileSync(file, script);
    const started = performance.now();
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile('bash', ['-c', `ulimit -v 300000000 && exec "${process.execPath}" --import tsx "${file}"`], { timeout: 150_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`the child did not exit by itself (${err.message}); it printed:\n${stdout}\n${stderr}`)) : resolve({ stdout }),
      );
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
    // Whether this machine's limit lets every worker start or not, the process ends; a failure says what to do.
    expect(stdout).toMatch(/^started$|CPU worker.* of 16 CPU worker threads had started.*Use fewer threads/m);
    expect(performance.now() - started).toBeLessThan(150_000);
  }, 200_000);
});
