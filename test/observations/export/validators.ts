/** The outside validators the export tests run: Debian's fitsverify and astropy under /usr/bin/python3. */
import { execFileSync, spawnSync } from 'node:child_process';
import { skipUnless, tools } from '../../helpers/tools.ts';

export const noFitsverify = (): string | null => skipUnless(tools.command('fitsverify'));
export const noAstropy = (): string | null =>
  skipUnless(probePython('import astropy.io.fits, numpy') ? null : 'needs python3-astropy and python3-numpy under /usr/bin/python3 (scripts/install-system-deps.sh)');

function probePython(code: string): boolean {
  return spawnSync('/usr/bin/python3', ['-c', code], { stdio: 'ignore' }).status === 0;
}

/** Runs fitsverify on a file; returns its error and warning counts and full report. */
export function fitsverify(path: string): { errors: number; warnings: number; report: string } {
  const r = spawnSync('fitsverify', [path], { encoding: 'utf8' });
  const report = `${r.stdout}${r.stderr}`;
  const m = /Verification found (\d+) warning\(s\) and (\d+) error\(s\)/.exec(report);
  if (!m) throw new Error(`fitsverify gave no verdict:\n${report}`);
  return { warnings: Number(m[1]), errors: Number(m[2]), report };
}

/** Runs a Python snippet (with `path` bound to the file) under Debian's python3 and parses the JSON it prints. */
export function python<T>(code: string, path: string): T {
  const script = `import sys, json\nimport numpy as np\nfrom astropy.io import fits\npath = sys.argv[1]\n${code}`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as T;
}
