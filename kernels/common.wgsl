// What every kernel shares; kernels/shaders.ts puts this before each kernel's own file.
//
// WG: invocations per workgroup (a pipeline constant, 64 by default: the compatibility limits allow 128).
// Batch: the uniform at binding 0 of every kernel. spectra: spectra in this batch; window: samples per
// input, (spectra − 1)·C + T·C; hops: samples counted for clipping, spectra·C; pad: 16-byte alignment.
// invocation(): the linear invocation id of a 2-D numbered dispatch (x fastest), so that a dispatch can
// pass 65535 workgroups per dimension.

override WG: u32 = 64u;

struct Batch {
  spectra: u32,
  window: u32,
  hops: u32,
  pad: u32,
}

fn invocation(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid;
}
