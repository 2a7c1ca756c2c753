/**
 * Builds the UI (src/ui → dist/ui, vite.config.ts) when dist/ui is missing
 * or older than anything it is built from, so `npm start` and the e2e tests
 * work on a fresh clone without a separate build step.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = new URL('../', import.meta.url).pathname;

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

/** Builds dist/ui with Vite's JS API unless it is fresh; returns whether it built. */
export async function ensureUiBuilt(root = repoRoot): Promise<boolean> {
  if (uiIsFresh(root)) return false;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'error' });
  return true;
}
