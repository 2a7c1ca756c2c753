/**
 * Issue 17: `npx fringe serve` on a checkout after `npm ci` served "its UI has
 * not been built here". It now builds the UI first when dist/ui is missing or
 * stale (as `npm start` does), saying so on stderr, and serves it.
 */
import { describe, expect, it } from 'vitest';
import { uiIsFresh } from '../../../src/server/ui-build.ts';
import { tempDir } from '../../observations/fixtures.ts';
import { startServe } from './serve-child.ts';
import { get } from './wire.ts';

describe('fringe serve and the UI', () => {
  it('fringe serve on a checkout without a built UI builds it and serves it, saying so on stderr', async () => {
    const { dir, cleanup } = tempDir('fringe-serve-ui-');
    const fresh = uiIsFresh();
    // Building the UI takes about a minute on an idle two-core machine, several at load average 20.
    const serve = await startServe(['--db', dir, '--backend', 'cpu', '--source', 'sim'], 540_000, { buildUi: true });
    try {
      const page = await get(serve.port, '/');
      expect(page.status).toBe(200);
      expect(page.body).not.toMatch(/has not been built/);
      expect(page.body).toMatch(/<script type="module"[^>]*src="\.\/assets\//);
      if (!fresh) expect(serve.stderr()).toMatch(/fringe serve: building the UI into dist\/ui .*\n(.|\n)*fringe serve: built the UI in \d+\.\d s/);
      expect(uiIsFresh()).toBe(true);
    } finally {
      await serve.stop();
      cleanup();
    }
  }, 600_000);
});
