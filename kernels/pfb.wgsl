// Polyphase FIR (fx.md "F-engine"): y_s[m] = Σ_t h[tC + m] · x[sC + tC + m].
//
// Thread mapping: one invocation per output (input a, spectrum s, tap-summed
// sample m), linear id = (a·spectra + s)·C + m, so consecutive invocations
// read consecutive samples and coefficients. Workgroups numbered 2-D (x fastest).
//
// Bindings (group 0):
//   0 batch    uniform Batch (common.wgsl); only `spectra` is used
//   1 samples  storage, read:        array<vec2<f32>>, INPUTS × SAMPLE_STRIDE complex samples
//   2 h        storage, read:        array<f32>, T·C prototype coefficients (float32 of the float64 h)
//   3 y        storage, read_write:  array<vec2<f32>>, INPUTS × B × C; overwritten for s < spectra
//              at index (a·B + s)·C + m

override C: u32;
override T: u32;
override B: u32;
override INPUTS: u32;
override SAMPLE_STRIDE: u32;

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> samples: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> h: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<vec2<f32>>;

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
  let m = r % C;
  let base = a * SAMPLE_STRIDE + s * C + m;
  var acc = vec2<f32>(0.0, 0.0);
  for (var t = 0u; t < T; t++) {
    acc += h[t * C + m] * samples[base + t * C];
  }
  y[(a * B + s) * C + m] = acc;
}
