/**
 * The wire format shared by the transports. Text frames are JSON:
 *   call   {"id": 1, "method": "live.start", "params": {…}}
 *   reply  {"id": 1, "result": …} | {"id": 1, "error": {"kind": "bad-request", "message": "…"}}
 *   event  {"event": "status", "data": …}
 * A spectrum event is one binary frame, since it is big and frequent:
 *   u32 little-endian n, n bytes of UTF-8 JSON (the event without its arrays,
 *   plus `inputs`), then per input C float32 power, then per input C float32 SK.
 */
import type { SpectrumEvent } from './types.ts';

export type SpectrumHeader = Omit<SpectrumEvent, 'power' | 'sk'> & { inputs: number };

export function encodeSpectrum(e: SpectrumEvent): Uint8Array {
  const { power, sk, ...rest } = e;
  const header = new TextEncoder().encode(JSON.stringify({ ...rest, inputs: power.length }));
  const pad = (4 - ((4 + header.length) % 4)) % 4; // keep the floats 4-byte aligned
  const floats = 2 * power.length * e.channels;
  const out = new Uint8Array(4 + header.length + pad + 4 * floats);
  new DataView(out.buffer).setUint32(0, header.length + pad, true);
  out.set(header, 4);
  out.fill(0x20, 4 + header.length, 4 + header.length + pad); // JSON allows trailing spaces
  const f = new Float32Array(out.buffer, 4 + header.length + pad, floats);
  [...power, ...sk].forEach((a, i) => f.set(a, i * e.channels));
  return out;
}

export function decodeSpectrum(bytes: Uint8Array): SpectrumEvent {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as SpectrumHeader;
  const { inputs, ...rest } = header;
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 4 + n, bytes.byteOffset + bytes.byteLength));
  const C = header.channels;
  const arrays = Array.from({ length: 2 * inputs }, (_, i) => floats.slice(i * C, (i + 1) * C));
  return { ...rest, power: arrays.slice(0, inputs), sk: arrays.slice(inputs) };
}
