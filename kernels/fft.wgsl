// Batched FFT, X[k] = Σ_m y[m] e^{−2πikm/C} (fx.md), in workgroup memory.
//
// One dispatch computes, for every spectrum of the batch, SUBS = C/L sub-FFTs
// of length L by Stockham radix-2 (autosort: natural order in, natural order
// out; Govindaraju et al., "High performance discrete Fourier transforms on
// graphics processors", SC 2008), ping-ponging between two halves of a
// workgroup array. With L = C one pass is the whole FFT; for C larger than
// workgroup memory allows, two passes make the four-step FFT (Bailey 1990),
// C = C1·C2:
//   pass 1: L = C1, sub-FFT r = n2 reads y[n2 + C2·n1] (IN_R = 1, IN_I = C2),
//           multiplies output k1 by W_C^{n2·k1} (TWIDDLE) and writes t[n2 + C2·k1]
//           (OUT_R = 1, OUT_K = C2);
//   pass 2: L = C2, sub-FFT r = k1 reads t[C2·k1 + n2] (IN_R = C2, IN_I = 1) and
//           writes X[k1 + C1·k2] (OUT_R = 1, OUT_K = C1).
//
// Thread mapping: a workgroup of WG invocations does P consecutive sub-FFTs
// g = P·group … P·group + P − 1 (g = (a·spectra + s)·SUBS + r); each stage's
// P·L/2 butterflies are shared out round-robin. Workgroups numbered 2-D.
// Twiddles come from a float32 table of W_C^k computed in float64 on the host.
//
// Bindings (group 0):
//   0 batch    uniform Batch (see unpack.wgsl); only `spectra` is used
//   1 src      storage, read:        array<vec2<f32>>, INPUTS × B × C, row (a·B + s)·C
//   2 dst      storage, read_write:  array<vec2<f32>>, INPUTS × B × C; overwritten for s < spectra
//   3 twiddle  storage, read:        array<vec2<f32>>, C: W_C^k = e^{−2πik/C}

override WG: u32 = 64u;
override C: u32;
override B: u32;
override INPUTS: u32;
override L: u32;
override P: u32;
override SHARED: u32; // 2·P·L
override IN_R: u32;
override IN_I: u32;
override OUT_R: u32;
override OUT_K: u32;
override TWIDDLE: bool;

struct Batch {
  spectra: u32,
  window: u32,
  hops: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> batch: Batch;
@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> twiddle: array<vec2<f32>>;

var<workgroup> buf: array<vec2<f32>, SHARED>;

fn cmul(x: vec2<f32>, w: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(x.x * w.x - x.y * w.y, x.x * w.y + x.y * w.x);
}

// Element offset of sub-FFT g's row in src/dst, and its index r within the spectrum.
fn rowOf(g: u32) -> vec2<u32> {
  let b = g / (C / L);
  let r = g % (C / L);
  let a = b / batch.spectra;
  let s = b % batch.spectra;
  return vec2<u32>((a * B + s) * C, r);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>,
        @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let first = (wid.y * nwg.x + wid.x) * P;
  let total = INPUTS * batch.spectra * (C / L);
  let half = L / 2u;

  for (var i = lid; i < P * L; i += WG) {
    let g = first + i / L;
    if (g < total) {
      let row = rowOf(g);
      buf[i] = src[row.x + row.y * IN_R + (i % L) * IN_I];
    }
  }
  workgroupBarrier();

  var src0 = 0u;
  for (var ns = 1u; ns < L; ns *= 2u) {
    let dst0 = P * L - src0;
    for (var u = lid; u < P * half; u += WG) {
      let base = (u / half) * L;
      let j = u % half;
      let k = j % ns;
      let v0 = buf[src0 + base + j];
      let v1 = cmul(buf[src0 + base + j + half], twiddle[k * (C / (2u * ns))]);
      let d = dst0 + base + (j / ns) * 2u * ns + k;
      buf[d] = v0 + v1;
      buf[d + ns] = v0 - v1;
    }
    src0 = dst0;
    workgroupBarrier();
  }

  for (var i = lid; i < P * L; i += WG) {
    let g = first + i / L;
    if (g < total) {
      let row = rowOf(g);
      let k = i % L;
      var v = buf[src0 + i];
      if (TWIDDLE) {
        v = cmul(v, twiddle[(row.y * k) % C]);
      }
      dst[row.x + row.y * OUT_R + k * OUT_K] = v;
    }
  }
}
