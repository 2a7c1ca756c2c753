/**
 * One worker thread of the CPU backend. It owns an FxEngine and a slot of
 * shared memory that the main thread fills with a batch's samples; it sums
 * the batches it is given and hands its sums over on 'drain'.
 *
 * Messages in:  {type:'batch', spectra, slot} — samples are in shared slot `slot`
 *               {type:'gains', gains}         — Float32Array[] | null
 *               {type:'drain'}                — reply with the sums, reset
 * Messages out: {type:'ready'} | {type:'done'} | {type:'sums', sums} | {type:'error', message}
 */
import { parentPort, workerData } from 'node:worker_threads';
import { emptySums } from './backend.ts';
import { createEngine, type Engine } from './engine.ts';
import type { SimdModules } from './simd/module.ts';
import type { ResolvedFxConfig } from './types.ts';

interface Init {
  config: ResolvedFxConfig;
  batch: number;
  /** Slots the main thread fills in turn; each inputs × slotBytes bytes, input a's window at a·slotBytes. */
  slots: SharedArrayBuffer[];
  slotBytes: number;
  /** PFFFT and the kernels, compiled once by the parent (absent below 16 channels). */
  modules?: SimdModules;
}

const { config, batch, slots, slotBytes, modules } = workerData as Init;
const port = parentPort!;
const views = slots.map((slot) => Array.from({ length: config.inputs }, (_, a) => new Uint8Array(slot, a * slotBytes, slotBytes)));
let engine: Engine | null = null;

// Listening before anything is awaited keeps this thread alive and loses no message; the parent
// sends nothing before 'ready', and an engine that cannot be made is reported, never left pending.
port.on('message', (msg: { type: string; spectra?: number; slot?: number; gains?: Float32Array[] | null }) => {
  try {
    if (!engine) throw new Error(`'${msg.type}' arrived before the worker was ready`);
    if (msg.type === 'batch') {
      engine.accumulate(views[msg.slot!], msg.spectra!);
      port.postMessage({ type: 'done' });
    } else if (msg.type === 'gains') {
      engine.setGains(msg.gains ?? null);
      port.postMessage({ type: 'done' });
    } else if (msg.type === 'drain') {
      const sums = emptySums(config);
      engine.drain(sums);
      port.postMessage({ type: 'sums', sums }, [sums.visibilities.buffer as ArrayBuffer, sums.power2.buffer as ArrayBuffer]);
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
try {
  engine = await createEngine(config, batch, modules);
  port.postMessage({ type: 'ready' });
} catch (err) {
  port.postMessage({ type: 'error', message: `could not start: ${err instanceof Error ? err.message : String(err)}` });
}
