/**
 * The librtlsdr C API through koffi: loading the library, the function
 * declarations, and turning its return codes into DeviceErrors that say what
 * to do. Nothing here holds state beyond the loaded library; the source
 * (rtlsdr-source.ts) and the enumeration (rtlsdr-devices.ts) use it.
 *
 * The library path is configurable (the tests load a compiled stand-in with
 * the same signatures); by default the platform's usual names are tried.
 */
import koffi, { type LibraryHandle, type TypeObject } from 'koffi';
import { DeviceError } from '../errors.ts';

/** An opaque `rtlsdr_dev_t *` as koffi hands it back. */
export type DevicePointer = unknown;

/** The functions Fringe uses, typed. Integers in, integers out, as in rtl-sdr.h. */
export interface LibRtlSdr {
  /** Where the library was loaded from. */
  readonly path: string;
  getDeviceCount(): number;
  getDeviceName(index: number): string;
  /** Fills three 256-byte buffers; 0 on success. */
  getDeviceUsbStrings(index: number, manufact: Uint8Array, product: Uint8Array, serial: Uint8Array): number;
  /** −1 NULL, −2 no devices, −3 no match. */
  getIndexBySerial(serial: string): number;
  /**
   * `rtlsdr_open` on a koffi worker thread: opening initialises the tuner
   * over USB (hundreds of ms), which must not block the event loop.
   */
  open(out: DevicePointer[], index: number): Promise<number>;
  /** `rtlsdr_close` on a worker thread, for the same reason. */
  close(dev: DevicePointer): Promise<number>;
  setCenterFreq(dev: DevicePointer, hz: number): number;
  getCenterFreq(dev: DevicePointer): number;
  setFreqCorrection(dev: DevicePointer, ppm: number): number;
  getFreqCorrection(dev: DevicePointer): number;
  getTunerType(dev: DevicePointer): number;
  /** With null, the count; with an Int32Array, fills it (tenths of dB). */
  getTunerGains(dev: DevicePointer, gains: Int32Array | null): number;
  setTunerGain(dev: DevicePointer, tenthsDb: number): number;
  getTunerGain(dev: DevicePointer): number;
  setTunerGainMode(dev: DevicePointer, manual: number): number;
  setSampleRate(dev: DevicePointer, hz: number): number;
  getSampleRate(dev: DevicePointer): number;
  setAgcMode(dev: DevicePointer, on: number): number;
  setDirectSampling(dev: DevicePointer, mode: number): number;
  getDirectSampling(dev: DevicePointer): number;
  setOffsetTuning(dev: DevicePointer, on: number): number;
  setTestMode(dev: DevicePointer, on: number): number;
  /** IF gain of one stage (tenths of dB; E4000 only). */
  setTunerIfGain(dev: DevicePointer, stage: number, tenthsDb: number): number;
  /** Crystal frequencies of the RTL2832 and the tuner (Hz; 0 leaves one unchanged). */
  setXtalFreq(dev: DevicePointer, rtlHz: number, tunerHz: number): number;
  /** Absent from librtlsdr before 0.6. */
  setBiasTee: ((dev: DevicePointer, on: number) => number) | null;
  resetBuffer(dev: DevicePointer): number;
  /**
   * Runs `rtlsdr_read_async` on a koffi worker thread; `cb` (a registered
   * callback) is called on the main thread with each buffer while the C
   * thread waits, so the buffer stays valid during the call. `done` gets the
   * C return value once the read ends (after a cancel, an unplug or an error).
   */
  readAsync(dev: DevicePointer, cb: unknown, bufNum: number, bufLen: number, done: (err: unknown, rc: number) => void): void;
  cancelAsync(dev: DevicePointer): number;
  /** The callback type for `koffi.register`. */
  readonly callbackType: TypeObject;
}

/** Names tried, in order, when no path is given. */
function defaultNames(): string[] {
  if (process.platform === 'win32') return ['rtlsdr.dll', 'librtlsdr.dll'];
  if (process.platform === 'darwin') {
    return ['librtlsdr.dylib', '/opt/homebrew/lib/librtlsdr.dylib', '/usr/local/lib/librtlsdr.dylib'];
  }
  return ['librtlsdr.so.0', 'librtlsdr.so'];
}

/** How to install librtlsdr, for error messages. */
export const installHint =
  'Install librtlsdr: on Debian/Ubuntu/Raspberry Pi OS `sudo apt install librtlsdr0`, ' +
  'on macOS `brew install librtlsdr`, on Windows put rtlsdr.dll (from the osmocom or rtl-sdr-blog release zip) ' +
  'beside Fringe or on PATH. Or set FRINGE_LIBRTLSDR to the library file.';

const cache = new Map<string, LibRtlSdr>();

/**
 * Loads librtlsdr from `path`, else from $FRINGE_LIBRTLSDR, else the usual
 * system names. Throws DeviceError 'not-installed' with install instructions.
 */
export function loadLibRtlSdr(path?: string): LibRtlSdr {
  const explicit = path ?? process.env.FRINGE_LIBRTLSDR;
  const candidates = explicit ? [explicit] : defaultNames();
  for (const name of candidates) {
    const hit = cache.get(name);
    if (hit) return hit;
  }
  const failures: string[] = [];
  for (const name of candidates) {
    let lib: LibraryHandle;
    try {
      lib = koffi.load(name);
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    try {
      const bound = bind(lib, name);
      cache.set(name, bound);
      return bound;
    } catch (err) {
      throw new DeviceError(
        'not-installed',
        `${name} was loaded but is not a usable librtlsdr (${err instanceof Error ? err.message : String(err)}). ${installHint}`,
        { cause: err },
      );
    }
  }
  throw new DeviceError('not-installed', `librtlsdr is not installed (tried ${failures.join('; ')}). ${installHint}`);
}

/**
 * `void (*)(unsigned char *buf, uint32_t len, void *ctx)`, declared without a
 * name: koffi's type names are process-wide and this module may be loaded
 * more than once in one process (test isolation).
 */
const callbackType = koffi.pointer(koffi.proto('void', ['uint8_t *', 'uint32_t', 'void *']));

function bind(lib: LibraryHandle, path: string): LibRtlSdr {
  // rtlsdr_dev_t * is declared as void *: it only passes back and forth.
  const f = (proto: string) => lib.func(proto.replaceAll('rtlsdr_dev_t', 'void'));
  const optional = (proto: string) => {
    try {
      return f(proto);
    } catch {
      return null;
    }
  };
  const readAsync = lib.func('rtlsdr_read_async', 'int', ['void *', callbackType, 'void *', 'uint32_t', 'uint32_t']);
  const biasTee = optional('int rtlsdr_set_bias_tee(rtlsdr_dev_t *dev, int on)');
  return {
    path,
    callbackType,
    getDeviceCount: f('uint32_t rtlsdr_get_device_count()'),
    getDeviceName: f('const char *rtlsdr_get_device_name(uint32_t index)'),
    getDeviceUsbStrings: f(
      'int rtlsdr_get_device_usb_strings(uint32_t index, _Out_ uint8_t *manufact, _Out_ uint8_t *product, _Out_ uint8_t *serial)',
    ),
    getIndexBySerial: f('int rtlsdr_get_index_by_serial(const char *serial)'),
    open: promised(f('int rtlsdr_open(_Out_ rtlsdr_dev_t **dev, uint32_t index)')),
    close: promised(f('int rtlsdr_close(rtlsdr_dev_t *dev)')),
    setCenterFreq: f('int rtlsdr_set_center_freq(rtlsdr_dev_t *dev, uint32_t freq)'),
    getCenterFreq: f('uint32_t rtlsdr_get_center_freq(rtlsdr_dev_t *dev)'),
    setFreqCorrection: f('int rtlsdr_set_freq_correction(rtlsdr_dev_t *dev, int ppm)'),
    getFreqCorrection: f('int rtlsdr_get_freq_correction(rtlsdr_dev_t *dev)'),
    getTunerType: f('int rtlsdr_get_tuner_type(rtlsdr_dev_t *dev)'),
    getTunerGains: f('int rtlsdr_get_tuner_gains(rtlsdr_dev_t *dev, _Out_ int *gains)'),
    setTunerGain: f('int rtlsdr_set_tuner_gain(rtlsdr_dev_t *dev, int gain)'),
    getTunerGain: f('int rtlsdr_get_tuner_gain(rtlsdr_dev_t *dev)'),
    setTunerGainMode: f('int rtlsdr_set_tuner_gain_mode(rtlsdr_dev_t *dev, int manual)'),
    setSampleRate: f('int rtlsdr_set_sample_rate(rtlsdr_dev_t *dev, uint32_t rate)'),
    getSampleRate: f('uint32_t rtlsdr_get_sample_rate(rtlsdr_dev_t *dev)'),
    setAgcMode: f('int rtlsdr_set_agc_mode(rtlsdr_dev_t *dev, int on)'),
    setDirectSampling: f('int rtlsdr_set_direct_sampling(rtlsdr_dev_t *dev, int on)'),
    getDirectSampling: f('int rtlsdr_get_direct_sampling(rtlsdr_dev_t *dev)'),
    setOffsetTuning: f('int rtlsdr_set_offset_tuning(rtlsdr_dev_t *dev, int on)'),
    setTestMode: f('int rtlsdr_set_testmode(rtlsdr_dev_t *dev, int on)'),
    setTunerIfGain: f('int rtlsdr_set_tuner_if_gain(rtlsdr_dev_t *dev, int stage, int gain)'),
    setXtalFreq: f('int rtlsdr_set_xtal_freq(rtlsdr_dev_t *dev, uint32_t rtl_freq, uint32_t tuner_freq)'),
    setBiasTee: biasTee,
    resetBuffer: f('int rtlsdr_reset_buffer(rtlsdr_dev_t *dev)'),
    readAsync: (dev, cb, bufNum, bufLen, done) => readAsync.async(dev, cb, null, bufNum, bufLen, done),
    cancelAsync: f('int rtlsdr_cancel_async(rtlsdr_dev_t *dev)'),
  };
}

/** Runs a koffi function on its worker pool; resolves to its return value. */
function promised(fn: ReturnType<LibraryHandle['func']>) {
  return (...args: unknown[]): Promise<number> =>
    new Promise((resolve, reject) => fn.async(...args, (err: unknown, rc: number) => (err ? reject(err) : resolve(rc))));
}

/** libusb error codes librtlsdr passes through from rtlsdr_open. */
const LIBUSB_ERROR_ACCESS = -3;
const LIBUSB_ERROR_NO_DEVICE = -4;
const LIBUSB_ERROR_BUSY = -6;

/** How to free a dongle from the DVB-T kernel driver (Linux). */
export const dvbHint =
  'If no other program (rtl_tcp, SDR++, GQRX, another Fringe) is using it, the Linux DVB-T driver may have claimed it: ' +
  'run `sudo rmmod dvb_usb_rtl28xxu` now, and to make it permanent ' +
  "`echo 'blacklist dvb_usb_rtl28xxu' | sudo tee /etc/modprobe.d/blacklist-rtlsdr.conf`, then replug the dongle.";

/** A DeviceError for a failed `rtlsdr_open(index)`. */
export function openError(rc: number, index: number, label: string): DeviceError {
  if (rc === LIBUSB_ERROR_BUSY) {
    return new DeviceError('busy', `RTL-SDR ${label} is busy (librtlsdr error ${rc}). ${dvbHint}`);
  }
  if (rc === LIBUSB_ERROR_ACCESS) {
    return new DeviceError(
      'busy',
      `No permission to open RTL-SDR ${label} (librtlsdr error ${rc}). Install the udev rules (Debian: \`sudo apt install rtl-sdr\`), ` +
        'add yourself to the plugdev group and replug the dongle.',
    );
  }
  if (rc === LIBUSB_ERROR_NO_DEVICE || rc === -1) {
    return new DeviceError(
      'not-found',
      `No RTL-SDR at index ${index} (librtlsdr error ${rc}). Run \`fringe devices\` to list the dongles plugged in.`,
    );
  }
  return new DeviceError('io', `Could not open RTL-SDR ${label} (librtlsdr error ${rc}). Replug it and try again.`);
}
