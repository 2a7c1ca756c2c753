/** The outside validators the export tests run: Debian's fitsverify, astropy under /usr/bin/python3, and casacore (its UVFITS filler and python3-casacore). */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** casacore's UVFITS filler (MSFitsInput, what CASA's importuvfits runs) compiled from casacore-dev, and python3-casacore to read the result. */
export const noCasacore = (): string | null =>
  skipUnless(
    tools.command('g++') ??
      (existsSync('/usr/include/casacore/msfits/MSFits/MSFitsInput.h') && existsSync('/usr/include/fitsio.h')
        ? null
        : 'needs casacore-dev and libcfitsio-dev (scripts/install-system-deps.sh)') ??
      (probePython('import casacore.tables') ? null : 'needs python3-casacore under /usr/bin/python3 (scripts/install-system-deps.sh)'),
  );

/**
 * Converts a UVFITS file to a Measurement Set with casacore's MSFitsInput;
 * returns what it logged (its WARN and SEVERE lines are the complaints). The
 * converter is compiled once per machine into the temp folder (about 15 s).
 */
export function uvfitsToMs(uvfits: string, ms: string): { log: string; warnings: string[] } {
  const source = join(dirname(fileURLToPath(import.meta.url)), 'casacore', 'uvfits2ms.cc');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `fringe-uvfits2ms-${hash}`);
  const exe = join(dir, 'uvfits2ms');
  if (!existsSync(exe)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${exe}.${process.pid}`;
    execFileSync('g++', ['-O0', '-std=c++17', source, '-o', partial, '-lcasa_msfits', '-lcasa_ms', '-lcasa_fits', '-lcasa_measures', '-lcasa_tables', '-lcasa_casa'], { stdio: 'pipe' });
    renameSync(partial, exe);
  }
  const r = spawnSync(exe, [uvfits, ms], { encoding: 'utf8' });
  const log = `${r.stdout}${r.stderr}`;
  if (r.status !== 0) throw new Error(`casacore could not convert ${uvfits}:\n${log}`);
  return { log, warnings: log.split('\n').filter((l) => /\t(WARN|SEVERE)\t/.test(l)) };
}

/** Runs a Python snippet (with `path` bound to the first argument) under Debian's python3 with casacore.tables as `tables`, and parses the JSON it prints. */
export function pythonCasacore<T>(code: string, path: string): T {
  const script = `import sys, json\nimport numpy as np\nfrom casacore import tables\npath = sys.argv[1]\n${code}`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out) as T;
}
