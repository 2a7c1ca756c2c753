/** Worker thread entry: runs group-solve.ts checks posted to it ({ id, request }) and posts { id, result } or { id, error }. */
import { parentPort } from 'node:worker_threads';
import { solveCheck, type SolveRequest } from './group-solve.ts';

parentPort!.on('message', (m: { id: number; request: SolveRequest }) => {
  solveCheck(m.request).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (err: unknown) => parentPort!.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
