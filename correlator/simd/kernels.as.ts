// The CPU backend's hot loops in AssemblyScript, compiled to WebAssembly
// with SIMD (128-bit: f32x4). Compiled by correlator/simd/build.ts into a
// module that imports PFFFT's memory, so the filter bank writes straight into
// the FFT's input and the X-engine reads straight out of its output.
//
// Every pointer is a byte offset into that shared memory; every buffer is
// 16-byte aligned (PFFFT's allocator). Channels C is a multiple of 8 (C ≥ 16).
// The module has no data segments and no globals: it only computes.

// Polyphase FIR straight from cu8 bytes (fx.md), for `spectra` spectra:
//   y_s[m] = Σ_t coef[tC+m]·byte[sC+tC+m] + base[m]
// coef: 2·T·C f32, each h[n]/127.5 twice (once for I, once for Q);
// base: 2·C f32, each −Σ_t h[tC+m] twice (the filtered 127.5 offset);
// bytes: the window, 2 bytes per sample from sample 0; out: spectra × C complex f32 (overwritten).
export function fir(bytes: usize, spectra: i32, C: i32, T: i32, coef: usize, base: usize, out: usize): void {
  const hop = <usize>C << 1; // bytes per C samples
  for (let s = 0; s < spectra; s++) {
    const xs = bytes + <usize>s * hop;
    const ys = out + <usize>s * (<usize>C << 3);
    for (let m = 0; m < C; m += 8) {
      const mo = <usize>m << 3; // float offset of sample m, in bytes
      let a0 = v128.load(base + mo), a1 = v128.load(base + mo, 16), a2 = v128.load(base + mo, 32), a3 = v128.load(base + mo, 48);
      let x = xs + (<usize>m << 1);
      let c = coef + mo;
      for (let t = 0; t < T; t++) {
        const v = v128.load(x);
        const lo = i16x8.extend_low_i8x16_u(v), hi = i16x8.extend_high_i8x16_u(v);
        a0 = f32x4.add(a0, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), v128.load(c)));
        a1 = f32x4.add(a1, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), v128.load(c, 16)));
        a2 = f32x4.add(a2, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), v128.load(c, 32)));
        a3 = f32x4.add(a3, f32x4.mul(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), v128.load(c, 48)));
        x += hop;
        c += <usize>C << 3;
      }
      v128.store(ys + mo, a0);
      v128.store(ys + mo, a1, 16);
      v128.store(ys + mo, a2, 32);
      v128.store(ys + mo, a3, 48);
    }
  }
}

// Samples among the first `samples` whose I or Q byte is 0 or 255.
export function clipped(bytes: usize, samples: i32): i32 {
  let n = 0;
  let k = 0;
  const zero = i8x16.splat(0), full = i8x16.splat(-1);
  for (; k + 8 <= samples; k += 8) {
    const v = v128.load(bytes + (<usize>k << 1));
    const hit = v128.or(i8x16.eq(v, zero), i8x16.eq(v, full));
    // A 16-bit lane is one sample (I, Q): non-zero when either byte hit.
    n += popcnt<i32>(i16x8.bitmask(i16x8.ne(hit, zero)));
  }
  for (; k < samples; k++) {
    const i = load<u8>(bytes + (<usize>k << 1)), q = load<u8>(bytes + (<usize>k << 1) + 1);
    if (i == 0 || i == 255 || q == 0 || q == 255) n++;
  }
  return n;
}

// In-place complex gains on `spectra` spectra of C complex f32 at x (natural order), `row` bytes apart:
// x·g = [xr·gr − xi·gi, xi·gr + xr·gi], with gA = [gr, gr] and gB = [−gi, gi] per channel.
export function gains(x: usize, spectra: i32, C: i32, row: i32, gA: usize, gB: usize): void {
  for (let s = 0; s < spectra; s++) {
    const spectrum = x + <usize>s * <usize>row;
    for (let k = 0; k < C; k += 2) {
      const o = <usize>k << 3;
      const v = v128.load(spectrum + o);
      const swapped = i32x4.shuffle(v, v, 1, 0, 3, 2);
      v128.store(spectrum + o, f32x4.add(f32x4.mul(v, v128.load(gA + o)), f32x4.mul(swapped, v128.load(gB + o))));
    }
  }
}

// X-engine over `spectra` spectra (natural order), two channels per vector, sums kept in registers over the spectra.
// x: input a's spectrum s at x + (a·stride + s)·row bytes; row is C·8 bytes plus padding, so that the
// spectra the inner loop steps through do not all fall in the same cache sets (C·8 is a multiple of 4 KiB
// for C ≥ 512); pairs: nPairs × (a, b) i32;
// acc: per product p, at acc + p·C·16: P (C×2 f32) then Q (C×2 f32), accumulated:
//   P += [ar·br, ai·bi], Q += [ar·bi, ai·br]  ⇒  Re V = P0 + P1, Im V = Q1 − Q0 (V = Xa·conj Xb);
// power2: inputs × C f32, accumulated: Σ|Xa|⁴ for the autos.
export function xengine(x: usize, spectra: i32, C: i32, row: i32, stride: i32, pairs: usize, nPairs: i32, acc: usize, power2: usize): void {
  const width = <usize>C << 3; // bytes of one spectrum's data
  const step = <usize>row;
  const input = <usize>stride * step;
  for (let o: usize = 0; o < width; o += 16) {
    for (let p = 0; p < nPairs; p++) {
      const a = load<i32>(pairs + (<usize>p << 3)), b = load<i32>(pairs + (<usize>p << 3), 4);
      const pa = x + <usize>a * input + o;
      const dst = acc + <usize>p * (width << 1) + o;
      if (a == b) {
        let sP = f32x4.splat(0), s4 = f32x4.splat(0);
        for (let s = 0; s < spectra; s++) {
          const v = v128.load(pa + <usize>s * step);
          const sq = f32x4.mul(v, v);
          const pw = f32x4.add(sq, i32x4.shuffle(sq, sq, 1, 0, 3, 2));
          sP = f32x4.add(sP, sq);
          s4 = f32x4.add(s4, f32x4.mul(pw, pw));
        }
        v128.store(dst, f32x4.add(v128.load(dst), sP));
        const q = power2 + ((<usize>a * <usize>C) << 2) + (o >> 1); // channel o/8, f32
        store<f32>(q, load<f32>(q) + f32x4.extract_lane(s4, 0));
        store<f32>(q, load<f32>(q, 4) + f32x4.extract_lane(s4, 2), 4);
      } else {
        const pb = x + <usize>b * input + o;
        let sP = f32x4.splat(0), sQ = f32x4.splat(0);
        for (let s = 0; s < spectra; s++) {
          const va = v128.load(pa + <usize>s * step), vb = v128.load(pb + <usize>s * step);
          sP = f32x4.add(sP, f32x4.mul(va, vb));
          sQ = f32x4.add(sQ, f32x4.mul(va, i32x4.shuffle(vb, vb, 1, 0, 3, 2)));
        }
        v128.store(dst, f32x4.add(v128.load(dst), sP));
        v128.store(dst + width, f32x4.add(v128.load(dst + width), sQ));
      }
    }
  }
}
