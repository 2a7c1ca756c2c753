/**
 * Runs the `fringe` bin in a child process, as a user would, for the CLI tests.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fringeBin = fileURLToPath(new URL('../../../../bin/fringe.js', import.meta.url));

/** Runs `fringe args…`; resolves to its exit code and output. */
export function fringe(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [fringeBin, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
