/**
 * The one error class of devices/: sources, the simulator and rotators.
 * `kind` lets callers react (reconnect, fall back to the simulator, stop a
 * recording); the message says what happened and what to do about it.
 */
export type DeviceErrorKind =
  | 'not-installed' // a library or program the device needs is missing
  | 'not-found' // no such device, port, file or host
  | 'busy' // in use by another program or claimed by a kernel driver
  | 'unplugged' // went away mid-stream
  | 'timeout' // stopped answering
  | 'protocol' // answered something we cannot parse
  | 'limit' // a request outside what the device can do (soft limits, ranges)
  | 'closed' // used after close
  | 'invalid' // bad argument or malformed input file
  | 'disk-full' // the disk filled up while writing (ENOSPC)
  | 'io'; // anything else from the operating system

export class DeviceError extends Error {
  override name = 'DeviceError';
  constructor(
    readonly kind: DeviceErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
