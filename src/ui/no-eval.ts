/**
 * Imported first by main.tsx, before any module that builds or runs a zod schema: the page's
 * Content-Security-Policy (server.ts, electron/main.ts) allows no eval, so zod's JIT (new Function)
 * would be refused and logged as a CSP violation. The boundary rules the UI shares with the engine
 * (src/api/inputs.ts) run without it.
 */
import { z } from 'zod';

z.config({ jitless: true });
