/**
 * System tools some tests need (python3 with numpy, a C compiler, socat, …).
 * Locally a missing tool skips the test with a one-line reason; in CI
 * (CI=true) a missing tool is a failure, so nothing is silently skipped there.
 */
import { execFileSync } from 'node:child_process';

const cache = new Map<string, string | null>();

/** Runs `cmd args` and returns null when it succeeds, else a one-line reason. */
function probe(key: string, cmd: string, args: string[]): string | null {
  if (!cache.has(key)) {
    try {
      execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
      cache.set(key, null);
    } catch {
      cache.set(key, `needs ${key} (install with scripts/install-system-deps.sh)`);
    }
  }
  return cache.get(key)!;
}

export const tools = {
  /** Debian's python3 with numpy (the numpy peer). */
  numpy: () => probe('python3 with numpy', '/usr/bin/python3', ['-c', 'import numpy']),
  /** A C compiler with FFTW's single-precision headers (the FFTW peer). */
  fftw: () => probe('cc with libfftw3f', 'sh', ['-c', 'test -f /usr/include/fftw3.h && command -v cc']),
  /** A C compiler. */
  cc: () => probe('cc', 'sh', ['-c', 'command -v cc']),
  /** Any command on PATH. */
  command: (name: string) => probe(name, 'sh', ['-c', `command -v ${name}`]),
};

/**
 * The reason to skip a test that needs `reason`'s tool, or null to run it.
 * In CI a missing tool throws instead, so the suite fails loudly.
 */
export function skipUnless(reason: string | null): string | null {
  if (reason && process.env.CI === 'true') {
    throw new Error(`CI must not skip: ${reason}`);
  }
  return reason;
}
