/**
 * Integration rows: the float64 sums of the FX core stored as little-endian
 * float32 blobs with their shape in columns, and read back as typed arrays.
 */
import { endianness } from 'node:os';
import type { IntegrationEnd } from '../../correlator/types.ts';
import { ObservationError } from '../errors.ts';
import type { StoredIntegration } from './types.ts';

// Blobs are written in host order through typed-array views; every platform
// Fringe runs on (x86-64, arm64) is little-endian, and the files say so.
if (endianness() !== 'LE') {
  throw new ObservationError('database', 'the store writes little-endian float32 blobs and needs a little-endian machine.');
}

/** float64 (or float32) values → a float32 blob. */
export function toFloat32Blob(values: Float64Array | Float32Array): Buffer {
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  return Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength);
}

/** A float32 blob → a Float32Array of its own (blobs may sit unaligned in a shared buffer). */
export function fromFloat32Blob(blob: Buffer, expected: number, what: string): Float32Array {
  if (blob.byteLength !== expected * 4) {
    throw new ObservationError('database', `${what}: blob holds ${blob.byteLength} bytes, shape says ${expected * 4}; the database is damaged.`);
  }
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}

/** The row shape of the integrations table. */
export interface IntegrationRow {
  idx: number;
  first_sample: number;
  time_s: number;
  duration_s: number;
  spectra: number;
  end_reason: string;
  inputs: number;
  products: number;
  channels: number;
  visibilities: Buffer;
  power2: Buffer;
  clipped: string;
  dropped: string;
}

export function decodeIntegration(row: IntegrationRow): StoredIntegration {
  const what = `integration ${row.idx}`;
  return {
    index: row.idx,
    firstSample: row.first_sample,
    time: row.time_s,
    duration: row.duration_s,
    spectra: row.spectra,
    end: row.end_reason as IntegrationEnd,
    inputs: row.inputs,
    products: row.products,
    channels: row.channels,
    visibilities: fromFloat32Blob(row.visibilities, row.products * row.channels * 2, what),
    power2: fromFloat32Blob(row.power2, row.inputs * row.channels, what),
    clipped: JSON.parse(row.clipped) as number[],
    dropped: JSON.parse(row.dropped) as number[],
  };
}
