/**
 * Enumerating RTL-SDR dongles through librtlsdr and resolving which one a
 * user means (an index or a USB serial). librtlsdr has no open-by-serial:
 * find the index, then open it.
 */
import { DeviceError } from '../errors.ts';
import { type LibRtlSdr, loadLibRtlSdr } from './librtlsdr.ts';

/** One dongle as the USB bus describes it. */
export interface RtlSdrDeviceInfo {
  /** librtlsdr's index (0-based), valid until dongles are plugged or unplugged. */
  index: number;
  /** librtlsdr's name for the chip or product, e.g. "Generic RTL2832U OEM". */
  name: string;
  manufacturer: string;
  product: string;
  /** The USB serial (set it with `rtl_eeprom -s` to tell identical dongles apart). */
  serial: string;
}

/** Reads a NUL-terminated C string from a 256-byte buffer. */
function cString(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return Buffer.from(buf.buffer, buf.byteOffset, end < 0 ? buf.length : end).toString('utf8');
}

/**
 * Lists the dongles plugged in (empty when there are none). Throws
 * DeviceError 'not-installed' when librtlsdr cannot be loaded.
 */
export function listRtlSdrDevices(lib: LibRtlSdr = loadLibRtlSdr()): RtlSdrDeviceInfo[] {
  const count = lib.getDeviceCount();
  const out: RtlSdrDeviceInfo[] = [];
  const manufact = new Uint8Array(256);
  const product = new Uint8Array(256);
  const serial = new Uint8Array(256);
  for (let index = 0; index < count; index++) {
    manufact.fill(0);
    product.fill(0);
    serial.fill(0);
    // A dongle another program holds may refuse its strings: list it anyway.
    const rc = lib.getDeviceUsbStrings(index, manufact, product, serial);
    out.push({
      index,
      name: lib.getDeviceName(index) ?? '',
      manufacturer: rc === 0 ? cString(manufact) : '',
      product: rc === 0 ? cString(product) : '',
      serial: rc === 0 ? cString(serial) : '',
    });
  }
  return out;
}

/**
 * The index of the dongle with this USB serial. Throws DeviceError
 * 'not-found' naming the serials that are present.
 */
export function indexBySerial(lib: LibRtlSdr, serial: string): number {
  const rc = lib.getIndexBySerial(serial);
  if (rc >= 0) return rc;
  if (rc === -2) {
    throw new DeviceError('not-found', `No RTL-SDR dongle is plugged in (looking for serial '${serial}'). Plug it in and check \`fringe devices\`.`);
  }
  const present = listRtlSdrDevices(lib).map((d) => `'${d.serial}'`);
  throw new DeviceError(
    'not-found',
    `No RTL-SDR with serial '${serial}' (present: ${present.join(', ') || 'none'}). Check \`fringe devices\`.`,
  );
}
