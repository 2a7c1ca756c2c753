// X-engine (fx.md): V_ab[j] += Σ_s X'_a,s[j] · conj(X'_b,s[j]) over the batch's spectra.
//
// Thread mapping: one invocation per (product p, channel j), linear id = p·C + j;
// each sums its batch's spectra in registers (in blocks), then adds once into the
// accumulator, so no two invocations touch the same element. Consecutive
// invocations read consecutive channels. Workgroups numbered 2-D (x fastest).
// Full mode and autos-only mode differ only in the product table.
//
// Bindings (group 0):
//   0 batch    uniform Batch (common.wgsl); only `spectra` is used
//   1 X        storage, read:        array<vec2<f32>>, INPUTS × B × C spectra, fft-shifted, gains applied
//   2 pairs    storage, read:        array<vec2<u32>>, PRODUCTS (a, b) in baseline order
//   3 vis      storage, read_write:  array<vec2<f32>>, PRODUCTS × C (re, im); accumulated

override C: u32;
override B: u32;
override PRODUCTS: u32;
override BLOCK: u32 = 64u;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> X: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> pairs: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read_write> vis: array<vec2<f32>>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let id = invocation(wid, nwg, lid);
  if (id >= PRODUCTS * C) {
    return;
  }
  let p = id / C;
  let j = id % C;
  let ab = pairs[p];
  // Two-level float32 sum (blocks of BLOCK spectra): round-off grows with
  // BLOCK + spectra/BLOCK rather than with spectra, for batches of thousands.
  var acc = vec2<f32>(0.0, 0.0);
  for (var s0 = 0u; s0 < batch.spectra; s0 += BLOCK) {
    var part = vec2<f32>(0.0, 0.0);
    for (var s = s0; s < min(s0 + BLOCK, batch.spectra); s++) {
      let xa = X[(ab.x * B + s) * C + j];
      let xb = X[(ab.y * B + s) * C + j];
      part += vec2<f32>(xa.x * xb.x + xa.y * xb.y, xa.y * xb.x - xa.x * xb.y);
    }
    acc += part;
  }
  vis[id] += acc;
}
