/**
 * Compiles the librtlsdr stand-in (fixtures/fake-rtlsdr.c) with cc into a
 * shared library in the temporary folder, named by the source's hash so
 * that test processes share one build, and returns its path.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let built: string | null = null;

export const fakeSourcePath = fileURLToPath(new URL('../fixtures/fake-rtlsdr.c', import.meta.url));

export function buildFakeLibRtlSdr(): string {
  if (built) return built;
  const hash = createHash('sha256').update(readFileSync(fakeSourcePath)).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `fringe-fake-rtlsdr-${hash}`);
  const out = join(dir, process.platform === 'darwin' ? 'libfakertlsdr.dylib' : 'libfakertlsdr.so');
  if (!existsSync(out)) {
    mkdirSync(dir, { recursive: true });
    // Build beside it, then rename: another test process may be building too.
    const partial = `${out}.${process.pid}.tmp`;
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', partial, fakeSourcePath, '-pthread'], { stdio: 'pipe' });
    renameSync(partial, out);
  }
  built = out;
  return out;
}

/** The environment variables the stand-in reads, reset between tests. */
export const fakeEnv = [
  'FAKE_RTLSDR_DEVICES',
  'FAKE_RTLSDR_OPEN_ERROR',
  'FAKE_RTLSDR_UNPLUG_AFTER',
  'FAKE_RTLSDR_STALL_AFTER',
  'FAKE_RTLSDR_DROP_AFTER',
  'FAKE_RTLSDR_DROP_SAMPLES',
  'FAKE_RTLSDR_REALTIME',
] as const;

export function resetFakeEnv(): void {
  for (const k of fakeEnv) delete process.env[k];
}

/** The counter pattern's bytes for samples [first, first + n): I = s & 0xff, Q = (s >> 8) & 0xff. */
export function counterBytes(first: number, n: number): Uint8Array {
  const out = new Uint8Array(2 * n);
  for (let i = 0; i < n; i++) {
    const s = first + i;
    out[2 * i] = s & 0xff;
    out[2 * i + 1] = (s >>> 8) & 0xff;
  }
  return out;
}

/** Index of the first byte where a and b differ, or −1 when equal (fast, unlike a deep toEqual). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))) return -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
