/**
 * The rtl_tcp wire format (osmocom `src/rtl_tcp.c`), pure and separately
 * tested: the 12-byte greeting the server sends on connect, and the 5-byte
 * commands a client sends (command byte, then a uint32 big-endian parameter;
 * never acknowledged).
 */
import { DeviceError } from '../errors.ts';

/** Bytes in the greeting: 'RTL0', tuner type (uint32 BE), gain count (uint32 BE). */
export const GREETING_LENGTH = 12;
/** Bytes in a command: command byte + uint32 BE parameter. */
export const COMMAND_LENGTH = 5;
const MAGIC = [0x52, 0x54, 0x4c, 0x30]; // 'RTL0'

/** The standard commands (0x40 and up are one fork's extensions, not handled). */
export const RtlTcpCommand = {
  /** Centre frequency (Hz). */
  setFrequency: 0x01,
  /** Sample rate (Hz). */
  setSampleRate: 0x02,
  /** Gain mode: 1 manual, 0 automatic. */
  setGainMode: 0x03,
  /** Tuner gain (tenths of dB). */
  setGain: 0x04,
  /** Frequency correction (ppm, signed two's complement). */
  setFreqCorrection: 0x05,
  /** IF gain: (stage << 16) | (int16 tenths of dB). */
  setIfGain: 0x06,
  setTestMode: 0x07,
  /** RTL2832 digital AGC on/off. */
  setAgcMode: 0x08,
  /** Direct sampling 0/1/2. */
  setDirectSampling: 0x09,
  setOffsetTuning: 0x0a,
  /** RTL2832 crystal (Hz). */
  setRtlXtal: 0x0b,
  /** Tuner crystal (Hz). */
  setTunerXtal: 0x0c,
  /** Gain by index into the tuner's gain table. */
  setGainByIndex: 0x0d,
  /** Bias-tee on/off. */
  setBiasTee: 0x0e,
} as const;

export type RtlTcpCommandCode = (typeof RtlTcpCommand)[keyof typeof RtlTcpCommand];

const commandNames = new Map<number, string>(Object.entries(RtlTcpCommand).map(([k, v]) => [v, k]));

/** The command's name for logs, e.g. "setFrequency", or "0x41". */
export function commandName(code: number): string {
  return commandNames.get(code) ?? `0x${code.toString(16).padStart(2, '0')}`;
}

export interface Greeting {
  /** `enum rtlsdr_tuner` (5 = R820T). */
  tunerType: number;
  /** Entries in the tuner's gain table. */
  gainCount: number;
}

export function encodeGreeting(g: Greeting): Uint8Array {
  const out = new Uint8Array(GREETING_LENGTH);
  out.set(MAGIC, 0);
  const v = new DataView(out.buffer);
  v.setUint32(4, g.tunerType >>> 0, false);
  v.setUint32(8, g.gainCount >>> 0, false);
  return out;
}

/** Hex and printable text of bytes, for error messages: `48 54 54 50 ("HTTP")`. */
export function describeBytes(bytes: Uint8Array): string {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `${hex} ("${text}")`;
}

/**
 * Decodes the 12-byte greeting. Throws DeviceError 'protocol' naming `where`
 * and quoting what was heard when it is not an rtl_tcp greeting.
 */
export function decodeGreeting(bytes: Uint8Array, where: string): Greeting {
  if (bytes.length < GREETING_LENGTH || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new DeviceError(
      'protocol',
      `${where} is not an rtl_tcp server: expected a greeting starting with 'RTL0', heard ${describeBytes(bytes.subarray(0, GREETING_LENGTH))}. ` +
        'Check the host and port (rtl_tcp listens on 1234 by default).',
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, GREETING_LENGTH);
  return { tunerType: v.getUint32(4, false), gainCount: v.getUint32(8, false) };
}

/** Encodes one command; `param` may be negative (sent as two's complement) or up to 2³²−1. */
export function encodeCommand(command: number, param: number): Uint8Array {
  if (!Number.isInteger(command) || command < 0 || command > 0xff) throw new RangeError(`rtl_tcp command byte out of range: ${command}`);
  if (!Number.isInteger(param) || param < -0x80000000 || param > 0xffffffff) {
    throw new RangeError(`rtl_tcp parameter must be an integer in −2³¹ … 2³²−1 (got ${param})`);
  }
  const out = new Uint8Array(COMMAND_LENGTH);
  out[0] = command;
  new DataView(out.buffer).setUint32(1, param >>> 0, false);
  return out;
}

/** The IF-gain parameter: (stage << 16) | (gain in tenths of dB as int16). */
export function ifGainParam(stage: number, tenthsDb: number): number {
  return ((stage & 0xffff) << 16) | (tenthsDb & 0xffff);
}

/** One decoded command. */
export interface DecodedCommand {
  command: number;
  /** The parameter as sent (uint32). */
  param: number;
  /** The parameter read as int32 (ppm is signed). */
  signed: number;
}

/** Splits a byte stream from a client into commands, carrying partial commands across reads. */
export class CommandDecoder {
  private readonly pending = new Uint8Array(COMMAND_LENGTH);
  private have = 0;

  /** Feeds bytes; returns the commands completed by them, in order. */
  push(chunk: Uint8Array): DecodedCommand[] {
    const out: DecodedCommand[] = [];
    for (let i = 0; i < chunk.length; i++) {
      this.pending[this.have++] = chunk[i]!;
      if (this.have === COMMAND_LENGTH) {
        const v = new DataView(this.pending.buffer);
        out.push({ command: this.pending[0]!, param: v.getUint32(1, false), signed: v.getInt32(1, false) });
        this.have = 0;
      }
    }
    return out;
  }
}
