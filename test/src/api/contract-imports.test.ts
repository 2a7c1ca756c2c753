/**
 * The contract lives where both sides can see it: src/api owns the payload
 * and event types, the engine imports them from there, and neither the
 * contract nor the UI imports an engine file (before, contract.ts took
 * RotatorEvent, UploadJobView, Sources and StageCounts from src/engine, and
 * the UI read engine types through it).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = new URL('../../../src/', import.meta.url).pathname;
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

/** The files a module imports (relative specifiers resolved), with whether the import is type-only. */
function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => ({ target: join(file, '..', m[2]!), typeOnly: !!m[1] }));
}

describe('the contract and the UI import no engine file', () => {
  it('src/api/contract.ts, types.ts and codec.ts import nothing from src/engine', () => {
    for (const name of ['contract.ts', 'types.ts', 'codec.ts', 'errors.ts']) {
      for (const { target } of imports(join(src, 'api', name))) expect(target.startsWith(join(src, 'engine')), `src/api/${name} imports ${target.slice(src.length)}`).toBe(false);
    }
  });

  it('src/ui imports from src/api only (code from codec.ts, the boundary rules of inputs.ts and the pure offset tuning, history and closure rules of tuning.ts, history.ts and closure.ts, types from the rest), never src/engine', () => {
    for (const file of files(join(src, 'ui')).filter((f) => /\.tsx?$/.test(f))) {
      for (const { target, typeOnly } of imports(file)) {
        if (target.startsWith(join(src, 'ui'))) continue;
        const where = `${file.slice(src.length)} imports ${target.slice(src.length)}`;
        expect(target.startsWith(join(src, 'api')), where).toBe(true);
        if (!typeOnly) expect([join(src, 'api', 'codec.ts'), join(src, 'api', 'inputs.ts'), join(src, 'api', 'tuning.ts'), join(src, 'api', 'history.ts'), join(src, 'api', 'closure.ts')], where).toContain(target);
      }
    }
  });
});

describe('the pure modules the UI takes code from', () => {
  it('src/api/tuning.ts, history.ts and closure.ts import nothing at all (no Node module, no engine)', () => {
    for (const name of ['tuning.ts', 'history.ts', 'closure.ts']) expect(readFileSync(join(src, 'api', name), 'utf8')).not.toMatch(/^import\s/m);
  });
});
