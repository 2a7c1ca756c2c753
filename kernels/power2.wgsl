// |X|⁴ sums for spectral kurtosis (fx.md): P2_a[j] += Σ_s |X'_a,s[j]|⁴ over the batch's spectra.
//
// Thread mapping: one invocation per (input a, channel j), linear id = a·C + j;
// sums in registers (in blocks), then adds once into the accumulator. Workgroups 2-D (x fastest).
//
// Bindings (group 0):
//   0 batch    uniform Batch (common.wgsl); only `spectra` is used
//   1 X        storage, read:        array<vec2<f32>>, INPUTS × B × C spectra, fft-shifted, gains applied
//   2 p2       storage, read_write:  array<f32>, INPUTS × C; accumulated

override C: u32;
override B: u32;
override INPUTS: u32;
override BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> X: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> p2: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let id = invocation(wid, nwg, lid);
  if (id >= INPUTS * C) {
    return;
  }
  let a = id / C;
  let j = id % C;
  // Two-level float32 sum, as in xengine.wgsl.
  var acc = 0.0;
  for (var s0 = 0u; s0 < batch.spectra; s0 += BLOCK) {
    var part = 0.0;
    for (var s = s0; s < min(s0 + BLOCK, batch.spectra); s++) {
      let x = X[(a * B + s) * C + j];
      let power = dot(x, x);
      part += power * power;
    }
    acc += part;
  }
  p2[id] += acc;
}
