/** The UI's build lives with the server that serves it (src/server/ui-build.ts); the shell and the tests import it from here too. */
export { ensureUiBuilt, repoRoot, uiIsFresh } from '../src/server/ui-build.ts';
