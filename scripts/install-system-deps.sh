#!/usr/bin/env bash
# Installs the Debian packages Fringe's tests use: the peers (numpy, FFTW), the
# hardware stand-ins and their real counterparts (librtlsdr, socat, Hamlib),
# the outside validators (fitsverify, astropy, casacore: python3-casacore, and
# casacore-dev with cfitsio's headers for its UVFITS filler MSFitsInput, which
# the UVFITS test compiles; pandas, which must read the CSV export with plain
# read_csv; GNU Radio with gr-osmosdr, GQRX's source, as an outside rtl_tcp
# client), an FTP server for upload tests,
# Chromium for UI tests, and Mesa for WebGPU on a machine without a GPU.
set -euo pipefail
packages=(
  build-essential python3 python3-numpy libfftw3-dev
  librtlsdr0 librtlsdr-dev rtl-sdr socat libhamlib-utils
  fitsverify python3-astropy python3-casacore casacore-dev libcfitsio-dev g++ python3-pandas
  gnuradio gr-osmosdr
  vsftpd openssl
  chromium
  libegl1 libegl-mesa0 libgles2 mesa-vulkan-drivers
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
