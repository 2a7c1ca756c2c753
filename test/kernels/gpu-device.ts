/// <reference types="@webgpu/types" />
/**
 * The GPU for kernel tests: acquired once per test file through kernels/device.ts
 * (a real adapter first, else llvmpipe). Locally, no adapter skips with a
 * one-line reason; in CI (CI=true) it fails instead (test/helpers/tools.ts).
 */
import { acquireGpu, type GpuContext } from '../../kernels/device.ts';
import { kernelPipeline, type KernelName } from '../../kernels/shaders.ts';
import { skipUnless } from '../helpers/tools.ts';

let probed: Promise<string | null> | null = null;

/** Null when a WebGPU device can be made here, else why not (one line). */
export function gpuMissing(): Promise<string | null> {
  probed ??= acquireGpu()
    .then((ctx) => {
      ctx.destroy();
      return null;
    })
    .catch((e: Error) => `needs a WebGPU adapter: ${e.message.split('\n')[0]}`);
  return probed.then(skipUnless);
}

const STORAGE = 0x80, COPY_SRC = 0x04, COPY_DST = 0x08, UNIFORM = 0x40, MAP_READ = 0x01;

/**
 * Runs one kernel once: binding 0 is the Batch uniform (spectra, window, hops),
 * bindings 1… are storage buffers filled from `data`; resolves to every storage
 * buffer's contents afterwards (as ArrayBuffers, in binding order).
 */
export async function runKernel(
  ctx: GpuContext,
  name: KernelName,
  constants: Record<string, number>,
  batch: [number, number, number],
  data: ArrayBufferView[],
  groups: [number, number],
  repeat = 1,
): Promise<ArrayBuffer[]> {
  const device = ctx.device;
  const pipeline = await kernelPipeline(device, name, 'unit test', constants);
  const uniform = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST });
  device.queue.writeBuffer(uniform, 0, new Uint32Array([...batch, 0]));
  const buffers = data.map((d) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(d.byteLength / 4) * 4), usage: STORAGE | COPY_SRC | COPY_DST });
    device.queue.writeBuffer(b, 0, d.buffer, d.byteOffset, d.byteLength);
    return b;
  });
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  for (let r = 0; r < repeat; r++) {
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(...groups);
    pass.end();
  }
  const reads = buffers.map((b, i) => {
    const rb = device.createBuffer({ size: b.size, usage: MAP_READ | COPY_DST });
    encoder.copyBufferToBuffer(b, 0, rb, 0, b.size);
    return [rb, data[i].byteLength] as const;
  });
  device.queue.submit([encoder.finish()]);
  const out: ArrayBuffer[] = [];
  for (const [rb, bytes] of reads) {
    await rb.mapAsync(1);
    out.push(rb.getMappedRange().slice(0, bytes));
    rb.unmap();
    rb.destroy();
  }
  for (const b of [uniform, ...buffers]) b.destroy();
  if (ctx.failure) throw new Error(ctx.failure);
  return out;
}
