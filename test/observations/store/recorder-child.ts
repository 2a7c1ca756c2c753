/**
 * A recorder in a child process for the crash tests: opens the store in
 * argv[2], starts an observation and appends integrations until killed,
 * printing `committed N` after each commit. With argv[3] = a page cap it
 * records until the disk is "full" and prints the error.
 */
import { Store } from '../../../observations/store/store.ts';
import { config, integration } from '../fixtures.ts';

const dir = process.argv[2]!;
const cap = process.argv[3] ? Number(process.argv[3]) : undefined;
const store = Store.open(dir, cap ? { maxPageCount: cap } : {});
const c = config({ inputs: 2, channels: 64 });
const rec = store.startObservation({ mode: 'interferometer', target: 'Cas A', config: c, start: 1_700_000_000 });
console.log(`observation ${rec.id}`);
let i = 0;
const tick = (): void => {
  try {
    rec.append(integration(c, i));
  } catch (err) {
    const e = err as { kind?: string; message: string };
    console.log(`error ${e.kind}: ${e.message}`);
    store.close();
    return;
  }
  console.log(`committed ${++i}`);
  setTimeout(tick, 2);
};
tick();
