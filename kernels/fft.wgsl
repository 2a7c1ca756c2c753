// Batched FFT, X[k] = Σ_m y[m] e^{−2πikm/C} (fx.md), in workgroup memory.
//
// One dispatch computes, for every spectrum of the batch, SUBS = C/L sub-FFTs
// of length L by Stockham radix-4 (one radix-2 stage first when log2 L is
// odd; autosort: natural order in, natural order out; Govindaraju et al., "High performance discrete Fourier transforms on
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
// P·L/4 radix-4 (or P·L/2 radix-2) butterflies are shared out round-robin. Workgroups numbered 2-D.
// Twiddles come from a float32 table of W_C^k computed in float64 on the host.
//
// Bindings (group 0):
//   0 batch    uniform Batch (common.wgsl); only `spectra` is used
//   1 src      storage, read:        array<vec2<f32>>, INPUTS × B × C, row (a·B + s)·C
//   2 dst      storage, read_write:  array<vec2<f32>>, INPUTS × B × C; overwritten for s < spectra
//   3 twiddle  storage, read:        array<vec2<f32>>, C: W_C^k = e^{−2πik/C}

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
// Sub-FFTs of a workgroup are neighbouring columns (IN_R = 1 < IN_I): walk them fastest.
override ACROSS: bool = IN_R == 1u && IN_I > 1u;
// log2(L) is odd: one radix-2 stage before the radix-4 stages.
override ODD: bool = (countTrailingZeros(L) & 1u) == 1u;

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

  // Loads and stores walk (sub-FFT p, element e) so that neighbouring
  // invocations touch neighbouring addresses: e fastest for rows (IN_I = 1),
  // p fastest for the first four-step pass's columns (ACROSS).
  for (var i = lid; i < P * L; i += WG) {
    let p = select(i / L, i % P, ACROSS);
    let e = select(i % L, i / P, ACROSS);
    let g = first + p;
    if (g < total) {
      let row = rowOf(g);
      buf[p * L + e] = src[row.x + row.y * IN_R + e * IN_I];
    }
  }
  workgroupBarrier();

  // Stockham stages: Ns is the length of the sub-transforms already done.
  // A radix-2 stage first when log2(L) is odd (Ns = 1, no twiddles), then radix-4.
  var src0 = 0u;
  if (ODD) {
    let dst0 = P * L - src0;
    for (var u = lid; u < P * half; u += WG) {
      let base = (u / half) * L;
      let j = u % half;
      let v0 = buf[src0 + base + j];
      let v1 = buf[src0 + base + j + half];
      buf[dst0 + base + 2u * j] = v0 + v1;
      buf[dst0 + base + 2u * j + 1u] = v0 - v1;
    }
    src0 = dst0;
    workgroupBarrier();
  }
  let quarter = L / 4u;
  for (var ns = select(1u, 2u, ODD); ns < L; ns *= 4u) {
    let dst0 = P * L - src0;
    let step = C / (4u * ns); // twiddle W_{4Ns}^k = W_C^{k·step}
    for (var u = lid; u < P * quarter; u += WG) {
      let base = src0 + (u / quarter) * L;
      let j = u % quarter;
      let k = j % ns;
      let v0 = buf[base + j];
      let v1 = cmul(buf[base + j + quarter], twiddle[k * step]);
      let v2 = cmul(buf[base + j + 2u * quarter], twiddle[2u * k * step]);
      let v3 = cmul(buf[base + j + 3u * quarter], twiddle[3u * k * step]);
      // 4-point DFT: X1 = (v0 − v2) − i(v1 − v3), X3 = (v0 − v2) + i(v1 − v3).
      let a0 = v0 + v2;
      let a1 = v0 - v2;
      let a2 = v1 + v3;
      let a3 = v1 - v3;
      let minusIa3 = vec2<f32>(a3.y, -a3.x);
      let d = dst0 + (u / quarter) * L + (j / ns) * 4u * ns + k;
      buf[d] = a0 + a2;
      buf[d + ns] = a1 + minusIa3;
      buf[d + 2u * ns] = a0 - a2;
      buf[d + 3u * ns] = a1 - minusIa3;
    }
    src0 = dst0;
    workgroupBarrier();
  }

  for (var i = lid; i < P * L; i += WG) {
    let p = select(i / L, i % P, ACROSS);
    let k = select(i % L, i / P, ACROSS);
    let g = first + p;
    if (g < total) {
      let row = rowOf(g);
      var v = buf[src0 + p * L + k];
      if (TWIDDLE) {
        v = cmul(v, twiddle[(row.y * k) % C]);
      }
      dst[row.x + row.y * OUT_R + k * OUT_K] = v;
    }
  }
}
