/**
 * Builds the UI (src/ui → dist/ui, vite.config.ts) when dist/ui is missing
 * or older than anything it is built from, so `fringe serve`, `npm start`
 * and the e2e tests work on a fresh clone without a separate build step.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../../', import.meta.url).pathname;

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))));
}

/** True when dist/ui/index.html is newer than every input of the build. */
export function uiIsFresh(root = repoRoot): boolean {
  const out = join(root, 'dist/ui/index.html');
  const inputs = ['src/ui', 'src/api/codec.ts', 'src/api/contract.ts', 'vite.config.ts', 'package-lock.json'].map((p) => join(root, p));
  return existsSync(out) && statSync(out).mtimeMs > Math.max(...inputs.filter((p) => existsSync(p)).map(newest));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Builds dist/ui with Vite's JS API unless it is fresh; returns whether it
 * built. Test files run in parallel processes, so one builds while the
 * others wait on a lock folder (mkdir is atomic); a lock left by a dead
 * process is taken over.
 */
export async function ensureUiBuilt(root = repoRoot): Promise<boolean> {
  if (uiIsFresh(root)) return false;
  const lock = join(root, 'dist/.ui-build.lock');
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // Just created, pid not written yet: wait.
      }
      if (Number.isInteger(pid) && pid > 0 && !alive(pid)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    if (uiIsFresh(root)) return false;
    const { build } = await import('vite');
    await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'error' });
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
