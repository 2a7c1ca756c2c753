// fft-shift with per-channel complex gains (fx.md): X'_a,s[j] = g_a[j] · X_a,s[(j + C/2) mod C].
//
// Thread mapping: one invocation per output (input a, spectrum s, channel j),
// linear id = (a·spectra + s)·C + j. Workgroups numbered 2-D (x fastest).
//
// Bindings (group 0):
//   0 batch    uniform Batch (common.wgsl); only `spectra` is used
//   1 X        storage, read:        array<vec2<f32>>, INPUTS × B × C spectra, natural order
//   2 gains    storage, read:        array<vec2<f32>>, INPUTS × C, fft-shifted order (re, im)
//   3 shifted  storage, read_write:  array<vec2<f32>>, INPUTS × B × C; overwritten for s < spectra

override C: u32;
override B: u32;
override INPUTS: u32;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> X: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> gains: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> shifted: array<vec2<f32>>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let id = invocation(wid, nwg, lid);
  let perInput = batch.spectra * C;
  if (id >= INPUTS * perInput) {
    return;
  }
  let a = id / perInput;
  let r = id % perInput;
  let s = r / C;
  let j = r % C;
  let row = (a * B + s) * C;
  let x = X[row + ((j + C / 2u) & (C - 1u))];
  let g = gains[a * C + j];
  shifted[row + j] = vec2<f32>(g.x * x.x - g.y * x.y, g.x * x.y + g.y * x.x);
}
