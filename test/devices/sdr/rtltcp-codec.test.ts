import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../devices/errors.ts';
import {
  CommandDecoder,
  RtlTcpCommand,
  commandName,
  decodeGreeting,
  encodeCommand,
  encodeGreeting,
  ifGainParam,
} from '../../../devices/sdr/rtltcp-codec.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('rtl_tcp greeting', () => {
  it("encodes an R820T's greeting as rtl_tcp sends it", () => {
    // reference/rtl-sdr.md: 52 54 4C 30 00 00 00 05 00 00 00 1D
    expect(hex(encodeGreeting({ tunerType: 5, gainCount: 29 }))).toBe('52544c30000000050000001d');
  });

  it('decodes a greeting, and ignores bytes after it', () => {
    const bytes = Buffer.from('52544c30000000010000000eaabb', 'hex');
    expect(decodeGreeting(bytes, 'x')).toEqual({ tunerType: 1, gainCount: 14 });
  });

  it('rejects a wrong greeting, quoting what was heard and where', () => {
    let err: unknown;
    try {
      decodeGreeting(Buffer.from('HTTP/1.1 400'), 'rtl_tcp server 10.0.0.2:1234');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).kind).toBe('protocol');
    expect((err as DeviceError).message).toContain('rtl_tcp server 10.0.0.2:1234 is not an rtl_tcp server');
    expect((err as DeviceError).message).toContain('48 54 54 50 2f 31 2e 31 20 34 30 30 ("HTTP/1.1 400")');
  });
});

describe('rtl_tcp commands', () => {
  it('encodes the standard commands as 5 big-endian bytes', () => {
    expect(hex(encodeCommand(RtlTcpCommand.setSampleRate, 2_400_000))).toBe('0200249f00');
    expect(hex(encodeCommand(RtlTcpCommand.setFrequency, 1_420_405_752))).toBe('0154a9abf8');
    expect(hex(encodeCommand(RtlTcpCommand.setFreqCorrection, -3))).toBe('05fffffffd'); // two's complement
    expect(hex(encodeCommand(RtlTcpCommand.setGain, 402))).toBe('0400000192');
    expect(hex(encodeCommand(RtlTcpCommand.setIfGain, ifGainParam(2, -50)))).toBe('060002ffce');
    expect(hex(encodeCommand(RtlTcpCommand.setBiasTee, 1))).toBe('0e00000001');
    expect(hex(encodeCommand(RtlTcpCommand.setFrequency, 0xffffffff))).toBe('01ffffffff');
  });

  it('has the fourteen standard command codes 0x01–0x0E', () => {
    expect(Object.values(RtlTcpCommand).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(commandName(0x0d)).toBe('setGainByIndex');
    expect(commandName(0x41)).toBe('0x41');
  });

  it('rejects parameters that do not fit 32 bits', () => {
    expect(() => encodeCommand(1, 2 ** 32)).toThrow(RangeError);
    expect(() => encodeCommand(1, 1.5)).toThrow(RangeError);
    expect(() => encodeCommand(256, 0)).toThrow(RangeError);
  });

  it('decodes commands split across reads at every position', () => {
    const stream = Buffer.concat([
      encodeCommand(RtlTcpCommand.setFrequency, 100_000_000),
      encodeCommand(RtlTcpCommand.setFreqCorrection, -12),
      encodeCommand(RtlTcpCommand.setGain, 496),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      for (let cut2 = cut; cut2 <= stream.length; cut2++) {
        const d = new CommandDecoder();
        const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut, cut2)), ...d.push(stream.subarray(cut2))];
        expect(got).toEqual([
          { command: 1, param: 100_000_000, signed: 100_000_000 },
          { command: 5, param: 0xfffffff4, signed: -12 },
          { command: 4, param: 496, signed: 496 },
        ]);
      }
    }
  });
});
