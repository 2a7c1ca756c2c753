/// <reference types="@webgpu/types" />
/**
 * The WGSL kernels, one per file beside this one, compiled into labelled
 * modules and pipelines. Pipelines are built once per configuration (the
 * template); buffers and bind groups are the instance (gpu.ts).
 */
import { readFileSync } from 'node:fs';
import { CorrelatorError } from '../correlator/errors.ts';

export type KernelName = 'unpack' | 'pfb' | 'fft' | 'shift' | 'xengine' | 'power2';

const sources = new Map<KernelName, string>();

/** The WGSL source of a kernel (read once per process). */
export function kernelSource(name: KernelName): string {
  let code = sources.get(name);
  if (code === undefined) {
    code = readFileSync(new URL(`./${name}.wgsl`, import.meta.url), 'utf8');
    sources.set(name, code);
  }
  return code;
}

const modules = new WeakMap<GPUDevice, Map<KernelName, GPUShaderModule>>();

/** A labelled shader module per device and kernel, compiled once. */
export function kernelModule(device: GPUDevice, name: KernelName): GPUShaderModule {
  let perDevice = modules.get(device);
  if (!perDevice) modules.set(device, (perDevice = new Map()));
  let module = perDevice.get(name);
  if (!module) {
    module = device.createShaderModule({ label: `fringe ${name}.wgsl`, code: kernelSource(name) });
    perDevice.set(name, module);
  }
  return module;
}

/**
 * A compute pipeline for `name` with its override constants fixed (label
 * `fringe <name> <label>`). Rejects with the compiler's messages when the
 * kernel does not compile or does not fit the device's limits.
 */
export async function kernelPipeline(
  device: GPUDevice,
  name: KernelName,
  label: string,
  constants: Record<string, number>,
): Promise<GPUComputePipeline> {
  const module = kernelModule(device, name);
  try {
    return await device.createComputePipelineAsync({
      label: `fringe ${name} ${label}`,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
  } catch (cause) {
    const info = await module.getCompilationInfo().catch(() => null);
    const messages = info?.messages.map((m) => `${m.type} ${m.lineNum}:${m.linePos} ${m.message}`).join('; ');
    throw new CorrelatorError('backend', `kernel ${name}.wgsl (${label}) failed to build: ${String(cause)}${messages ? ` [${messages}]` : ''}`, { cause });
  }
}
