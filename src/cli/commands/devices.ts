/** `fringe devices`: lists the RTL-SDR dongles librtlsdr can see. */
import { DeviceError } from '../../../devices/errors.ts';
import { loadLibRtlSdr } from '../../../devices/sdr/librtlsdr.ts';
import { listRtlSdrDevices } from '../../../devices/sdr/rtlsdr-devices.ts';
import { type Command, UsageError, exitCodes } from '../command.ts';

const help = `Usage: fringe devices [--json] [--library PATH]

Lists the RTL-SDR dongles plugged in, with the index and USB serial to give
'fringe record --source rtlsdr:INDEX' or 'rtlsdr:SERIAL'.

Options:
  --json           print a JSON array of {index, name, manufacturer, product, serial}
  --library PATH   the librtlsdr file to use (default: $FRINGE_LIBRTLSDR, else the system's)

Exit codes: 0 listed (possibly none), 1 librtlsdr is not installed or failed, 2 bad usage.`;

export const command: Command = {
  name: 'devices',
  summary: 'List RTL-SDR dongles (index, name, serial)',
  help,
  async run(argv) {
    let json = false;
    let library: string | undefined;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--json') json = true;
      else if (a === '--library') {
        library = argv[++i];
        if (!library) throw new UsageError('--library needs a path.');
      } else throw new UsageError(`unknown option '${a}'.`);
    }
    let devices;
    try {
      devices = listRtlSdrDevices(loadLibRtlSdr(library));
    } catch (err) {
      if (err instanceof DeviceError) {
        if (json) console.log(JSON.stringify({ error: err.kind, message: err.message }));
        console.error(`fringe devices: ${err.message}`);
        return exitCodes.failure;
      }
      throw err;
    }
    if (json) {
      console.log(JSON.stringify(devices, null, 2));
      return exitCodes.ok;
    }
    if (devices.length === 0) {
      console.log(
        'No RTL-SDR dongles found. Plug one in (on Linux `lsusb` should show 0bda:2838 or 0bda:2832), ' +
          'or use the simulator: fringe record --source sim …',
      );
      return exitCodes.ok;
    }
    for (const d of devices) {
      const usb = [d.manufacturer, d.product].filter(Boolean).join(' ');
      console.log(`${String(d.index).padEnd(3)} ${d.name}${usb ? `  (${usb})` : ''}  serial ${d.serial || '(unreadable: in use?)'}`);
    }
    return exitCodes.ok;
  },
};
