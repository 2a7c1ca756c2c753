// cu8 unpack and clip count (fx.md "Input").
//
// Thread mapping: one invocation per u32 word (two samples: bytes I0 Q0 I1 Q1,
// little-endian) of one input's window. Input a's words occupy
// [a·STRIDE_WORDS, (a+1)·STRIDE_WORDS) and STRIDE_WORDS is a multiple of WG,
// so a workgroup never straddles two inputs and can sum its clip count in
// workgroup memory before one global atomic. Workgroups are numbered 2-D
// (x fastest) so that a dispatch can pass 65535 groups per dimension.
//
// Bindings (group 0):
//   0 batch    uniform Batch: spectra (this batch), window (samples per input:
//              (spectra − 1)·C + T·C), hops (samples counted for clipping: spectra·C)
//   1 raw      storage, read:        array<u32>, INPUTS × STRIDE_WORDS; words ≥ window/2 are ignored
//   2 samples  storage, read_write:  array<vec2<f32>>, INPUTS × 2·STRIDE_WORDS complex samples
//              (re = I, im = Q, in fx.md units); overwritten for sample k < window
//   3 clipped  storage, read_write:  array<atomic<u32>>, INPUTS; accumulated (samples whose I or Q
//              byte is 0 or 255, among the first `hops` samples)

override STRIDE_WORDS: u32;
override INPUTS: u32;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> raw: array<u32>;
@group(0) @binding(2) var<storage, read_write> samples: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> clipped: array<atomic<u32>>;

var<workgroup> groupClipped: atomic<u32>;

// x = ((byte − 127.5) / 127.5): fx.md's sample value.
fn value(b: u32) -> f32 {
  return (f32(b) - 127.5) / 127.5;
}

fn isClipped(i: u32, q: u32) -> u32 {
  return select(0u, 1u, i == 0u || i == 255u || q == 0u || q == 255u);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let id = invocation(wid, nwg, lid);
  let a = id / STRIDE_WORDS;
  let w = id % STRIDE_WORDS;
  if (lid == 0u) {
    atomicStore(&groupClipped, 0u);
  }
  workgroupBarrier();
  if (a < INPUTS && 2u * w < batch.window) {
    let word = raw[id];
    let i0 = word & 0xffu;
    let q0 = (word >> 8u) & 0xffu;
    let i1 = (word >> 16u) & 0xffu;
    let q1 = word >> 24u;
    let k = a * 2u * STRIDE_WORDS + 2u * w;
    samples[k] = vec2<f32>(value(i0), value(q0));
    samples[k + 1u] = vec2<f32>(value(i1), value(q1));
    var c = 0u;
    if (2u * w < batch.hops) {
      c += isClipped(i0, q0);
    }
    if (2u * w + 1u < batch.hops) {
      c += isClipped(i1, q1);
    }
    if (c > 0u) {
      atomicAdd(&groupClipped, c);
    }
  }
  workgroupBarrier();
  if (lid == 0u && a < INPUTS) {
    let total = atomicLoad(&groupClipped);
    if (total > 0u) {
      atomicAdd(&clipped[a], total);
    }
  }
}
