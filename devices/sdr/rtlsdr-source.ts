/**
 * An RTL-SDR dongle through librtlsdr (koffi FFI) as a SampleSource.
 *
 * Streaming runs `rtlsdr_read_async` on a koffi worker thread with
 * `bufferCount` USB transfers in flight; each filled buffer comes to the main
 * thread through a registered callback (the C thread waits meanwhile, so the
 * buffer is valid) where it is copied once into the Block handed out. The
 * event loop is never blocked by the stream. Lost samples are detected by
 * DropDetector and counted in `Block.dropped` and `firstSample`.
 */
import koffi from 'koffi';
import { DeviceError } from '../errors.ts';
import { BlockQueue } from './block-queue.ts';
import { DropDetector } from './drop-detector.ts';
import { type DevicePointer, type LibRtlSdr, loadLibRtlSdr, openError } from './librtlsdr.ts';
import { indexBySerial, listRtlSdrDevices } from './rtlsdr-devices.ts';
import { SerialQueue } from '../serial-queue.ts';
import { type Block, type SampleSource, type SourceInfo, type Tuning, defaultTuning } from './source.ts';
import { nearestGain, tunerName } from './tuners.ts';

export interface RtlSdrOpenOptions {
  /** Which dongle: librtlsdr index (number) or USB serial (string). Default 0. */
  device?: number | string;
  /** Initial tuning; unset fields take `defaultTuning`. */
  tuning?: Partial<Tuning>;
  /** Direct sampling: 0 off, 1 I branch, 2 Q branch (HF below ~24 MHz). Default 0. */
  directSampling?: 0 | 1 | 2;
  /** The librtlsdr file to load (default: $FRINGE_LIBRTLSDR, else the system's). */
  libraryPath?: string;
  /** USB transfers in flight (librtlsdr's buf_num). Default 15. */
  bufferCount?: number;
  /** Bytes per transfer and per block, a multiple of 512. Default 262 144 (≈55 ms at 2.4 MS/s). */
  bufferLength?: number;
  /** Blocks held for a slow consumer before whole blocks are dropped. Default 64. */
  queueBlocks?: number;
  /** Block.input for this source. Default 0. */
  input?: number;
  /**
   * A stream that delivers nothing for this long is declared lost (ms); some
   * hosts never report an unplugged dongle, the callbacks just stop. Default 3000.
   */
  stallMs?: number;
}

export class RtlSdrSource implements SampleSource {
  readonly info: SourceInfo;
  readonly gains: readonly number[];
  private current: Tuning;
  private readonly commands = new SerialQueue();
  private dev: DevicePointer | null;
  private streaming: { queue: BlockQueue; done: Promise<void>; cancel: () => void } | null = null;
  private lost = false;

  private constructor(
    private readonly lib: LibRtlSdr,
    dev: DevicePointer,
    info: SourceInfo,
    readonly tunerType: number,
    gains: number[],
    private readonly options: Required<Pick<RtlSdrOpenOptions, 'bufferCount' | 'bufferLength' | 'queueBlocks' | 'input' | 'stallMs'>>,
  ) {
    this.dev = dev;
    this.info = info;
    this.gains = gains;
    this.current = { ...defaultTuning };
  }

  /** Opens a dongle and applies the tuning. Throws DeviceError (not-installed, not-found, busy, limit, io). */
  static async open(options: RtlSdrOpenOptions = {}): Promise<RtlSdrSource> {
    const lib = loadLibRtlSdr(options.libraryPath);
    const device = options.device ?? 0;
    const bufferLength = options.bufferLength ?? 262_144;
    if (!Number.isInteger(bufferLength) || bufferLength <= 0 || bufferLength % 512 !== 0) {
      throw new DeviceError('invalid', `bufferLength must be a positive multiple of 512 bytes (got ${bufferLength}).`);
    }
    const count = lib.getDeviceCount();
    if (count === 0) {
      throw new DeviceError(
        'not-found',
        'No RTL-SDR dongle found. Plug one in (check `lsusb` for 0bda:2838) and run `fringe devices`.',
      );
    }
    const index = typeof device === 'string' ? indexBySerial(lib, device) : device;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new DeviceError('not-found', `No RTL-SDR at index ${index}: ${count} dongle(s) found (indices 0–${count - 1}). Run \`fringe devices\`.`);
    }
    const label = typeof device === 'string' ? `with serial '${device}'` : `#${index}`;
    const out: DevicePointer[] = [null];
    const rc = await lib.open(out, index);
    if (rc < 0 || !out[0]) throw openError(rc, index, label);
    const listed = listRtlSdrDevices(lib)[index];
    const tunerType = lib.getTunerType(out[0]);
    const n = lib.getTunerGains(out[0], null);
    const tenths = new Int32Array(Math.max(0, n));
    if (n > 0) lib.getTunerGains(out[0], tenths);
    const info: SourceInfo = {
      kind: 'rtlsdr',
      name: `${listed?.name || 'RTL-SDR'} (${tunerName(tunerType)})`,
      ...(listed?.serial ? { serial: listed.serial } : {}),
    };
    const source = new RtlSdrSource(lib, out[0], info, tunerType, [...tenths].map((t) => t / 10), {
      bufferCount: options.bufferCount ?? 15,
      bufferLength,
      queueBlocks: options.queueBlocks ?? 64,
      input: options.input ?? 0,
      stallMs: options.stallMs ?? 3000,
    });
    try {
      const t = { ...defaultTuning, ...options.tuning };
      if (options.directSampling) await source.setDirectSampling(options.directSampling);
      await source.setSampleRate(t.sampleRate);
      await source.setCenterFrequency(t.centerFrequency);
      await source.setPpm(t.ppm);
      await source.setGain(t.gain);
      if (t.biasTee || source.lib.setBiasTee) await source.setBiasTee(t.biasTee);
    } catch (err) {
      await source.close();
      throw err;
    }
    return source;
  }

  get tuning(): Readonly<Tuning> {
    return this.current;
  }

  private device(): DevicePointer {
    if (!this.dev) throw new DeviceError('closed', `RTL-SDR ${this.info.name} is closed; open it again.`);
    if (this.lost) throw new DeviceError('unplugged', `RTL-SDR ${this.info.name} was unplugged; replug it and open it again.`);
    return this.dev;
  }

  /** Tunes (Hz); resolves to the frequency librtlsdr reports. */
  setCenterFrequency(hz: number): Promise<number> {
    return this.commands.run(() => {
      if (!Number.isInteger(hz) || hz <= 0 || hz > 0xffffffff) {
        throw new DeviceError('invalid', `Centre frequency must be a whole number of Hz between 1 and 4294967295 (got ${hz}).`);
      }
      const dev = this.device();
      if (this.lib.setCenterFreq(dev, hz) < 0) {
        throw new DeviceError(
          'limit',
          `The ${tunerName(this.tunerType)} tuner could not tune to ${hz} Hz (an R820T covers about 24–1766 MHz; use direct sampling below that).`,
        );
      }
      return (this.current = { ...this.current, centerFrequency: this.lib.getCenterFreq(dev) || hz }).centerFrequency;
    });
  }

  /** Sets the sample rate (Hz); resolves to the rate the chip really runs at (it differs slightly). */
  setSampleRate(hz: number): Promise<number> {
    return this.commands.run(() => {
      const dev = this.device();
      if (!Number.isInteger(hz) || this.lib.setSampleRate(dev, hz) < 0) {
        throw new DeviceError(
          'limit',
          `RTL-SDR cannot sample at ${hz} Hz: librtlsdr accepts 225001–300000 and 900001–3200000 Hz (2400000 is reliable).`,
        );
      }
      return (this.current = { ...this.current, sampleRate: this.lib.getSampleRate(dev) }).sampleRate;
    });
  }

  /** Sets the tuner gain (dB, snapped to the nearest the tuner supports) or 'auto' (the tuner's AGC). */
  setGain(db: number | 'auto'): Promise<number | 'auto'> {
    return this.commands.run(() => {
      const dev = this.device();
      if (db === 'auto') {
        if (this.lib.setTunerGainMode(dev, 0) < 0) throw new DeviceError('io', 'RTL-SDR refused automatic gain mode.');
        return (this.current = { ...this.current, gain: 'auto' }).gain;
      }
      if (!Number.isFinite(db)) throw new DeviceError('invalid', `Gain must be a number of dB or 'auto' (got ${db}).`);
      const wanted = nearestGain(this.gains, db);
      if (this.lib.setTunerGainMode(dev, 1) < 0 || this.lib.setTunerGain(dev, Math.round(wanted * 10)) < 0) {
        throw new DeviceError('io', `RTL-SDR refused a gain of ${wanted} dB.`);
      }
      return (this.current = { ...this.current, gain: this.lib.getTunerGain(dev) / 10 }).gain;
    });
  }

  /** Sets the frequency correction (ppm, integer). librtlsdr's −2 ("unchanged") is not a failure. */
  setPpm(ppm: number): Promise<number> {
    return this.commands.run(() => {
      const dev = this.device();
      if (!Number.isInteger(ppm)) throw new DeviceError('invalid', `ppm must be a whole number (got ${ppm}).`);
      const rc = this.lib.setFreqCorrection(dev, ppm);
      if (rc < 0 && rc !== -2) throw new DeviceError('limit', `RTL-SDR refused a correction of ${ppm} ppm.`);
      return (this.current = { ...this.current, ppm: this.lib.getFreqCorrection(dev) }).ppm;
    });
  }

  /** Switches the bias-tee (antenna port power, about 4.5 V). */
  setBiasTee(on: boolean): Promise<boolean> {
    return this.commands.run(() => {
      const dev = this.device();
      const set = this.lib.setBiasTee;
      if (!set) {
        if (!on) return (this.current = { ...this.current, biasTee: false }).biasTee;
        throw new DeviceError('limit', `${this.lib.path} has no rtlsdr_set_bias_tee: install librtlsdr 0.6 or newer (or the rtl-sdr-blog build).`);
      }
      if (set(dev, on ? 1 : 0) < 0) throw new DeviceError('io', 'RTL-SDR refused to switch the bias-tee.');
      return (this.current = { ...this.current, biasTee: on }).biasTee;
    });
  }

  /** Direct sampling (0 off, 1 I branch, 2 Q branch); resolves to the mode librtlsdr reports. */
  setDirectSampling(mode: 0 | 1 | 2): Promise<number> {
    return this.commands.run(() => {
      const dev = this.device();
      if (this.lib.setDirectSampling(dev, mode) < 0) throw new DeviceError('limit', `RTL-SDR refused direct sampling mode ${mode}.`);
      return this.lib.getDirectSampling(dev);
    });
  }

  /** The RTL2832's digital AGC (not the tuner's). */
  setAgcMode(on: boolean): Promise<boolean> {
    return this.simple('rtlsdr_set_agc_mode', (dev) => this.lib.setAgcMode(dev, on ? 1 : 0), on);
  }

  /** Offset tuning (E4000 only; moves the DC spike out of band). */
  setOffsetTuning(on: boolean): Promise<boolean> {
    return this.simple('rtlsdr_set_offset_tuning', (dev) => this.lib.setOffsetTuning(dev, on ? 1 : 0), on);
  }

  /** Test mode: the chip sends a counter instead of samples. */
  setTestMode(on: boolean): Promise<boolean> {
    return this.simple('rtlsdr_set_testmode', (dev) => this.lib.setTestMode(dev, on ? 1 : 0), on);
  }

  /** IF gain of one stage (dB; E4000 only). */
  setIfGain(stage: number, db: number): Promise<number> {
    return this.simple('rtlsdr_set_tuner_if_gain', (dev) => this.lib.setTunerIfGain(dev, stage, Math.round(db * 10)), db);
  }

  /** Crystal frequencies (Hz) of the RTL2832 and of the tuner; 0 leaves one as it is. */
  setXtal(rtlHz: number, tunerHz: number): Promise<number> {
    return this.simple('rtlsdr_set_xtal_freq', (dev) => this.lib.setXtalFreq(dev, rtlHz, tunerHz), rtlHz || tunerHz);
  }

  private simple<T>(name: string, call: (dev: DevicePointer) => number, result: T): Promise<T> {
    return this.commands.run(() => {
      const rc = call(this.device());
      if (rc < 0) throw new DeviceError('limit', `RTL-SDR ${this.info.name} refused ${name} (error ${rc}).`);
      return result;
    });
  }

  /**
   * Streams blocks of `bufferLength` bytes. firstSample counts from 0 at the
   * start of each stream. Breaking out of the loop cancels the read and
   * waits for it to end, so blocks() can be called again right after.
   */
  async *blocks(): AsyncGenerator<Block> {
    if (this.streaming) throw new DeviceError('busy', 'This RTL-SDR is already streaming; one blocks() loop at a time.');
    const stream = this.start();
    try {
      yield* stream.queue;
    } finally {
      stream.cancel();
      await stream.done;
    }
  }

  private start(): { queue: BlockQueue; done: Promise<void>; cancel: () => void } {
    const dev = this.device();
    if (this.lib.resetBuffer(dev) < 0) throw new DeviceError('io', 'rtlsdr_reset_buffer failed; replug the dongle.');
    const { bufferCount, bufferLength, queueBlocks, input, stallMs } = this.options;
    const rate = this.current.sampleRate;
    let detector = new DropDetector({ sampleRate: rate });
    let position = 0; // samples delivered + dropped so far
    let cancelled = false;
    const cancel = () => {
      if (!cancelled) {
        cancelled = true;
        this.lib.cancelAsync(dev);
      }
    };
    const queue = new BlockQueue(queueBlocks, cancel);
    // The watchdog: the first buffer may take a while (USB start-up), so it
    // allows twice the stall time before it, then stallMs between buffers.
    // If the event loop itself was blocked, buffers may be waiting to be
    // handed over: that is not a stall, so the clock restarts.
    let lastBuffer = performance.now() + stallMs;
    let stalled = false;
    const tick = Math.min(250, stallMs / 4);
    let lastTick = performance.now();
    const watchdog = setInterval(() => {
      const now = performance.now();
      const loopBlocked = now - lastTick > 2 * tick + 50;
      lastTick = now;
      if (loopBlocked) lastBuffer = Math.max(lastBuffer, now);
      if (cancelled || now - lastBuffer < stallMs) return;
      stalled = true;
      cancel();
    }, tick);
    const callback = koffi.register((buf: unknown, len: number) => {
      lastBuffer = performance.now();
      if (cancelled) return;
      const data = koffi.decode(buf, 'uint8_t', len) as Uint8Array; // the one copy
      const samples = len >>> 1;
      // A retune of the rate mid-stream restarts the timing reference.
      if (this.current.sampleRate !== rate) detector = new DropDetector({ sampleRate: this.current.sampleRate });
      const dropped = detector.onBuffer(performance.now(), samples);
      position += dropped;
      queue.push({ input, firstSample: position, data, receivedAt: Date.now(), dropped });
      position += samples;
    }, this.lib.callbackType);
    const done = new Promise<void>((resolve) => {
      this.lib.readAsync(dev, callback, bufferCount, bufferLength, (err, rc) => {
        clearInterval(watchdog);
        koffi.unregister(callback);
        this.streaming = null;
        if (stalled) {
          this.lost = true;
          queue.fail(
            new DeviceError(
              'timeout',
              `RTL-SDR ${this.info.name} delivered no samples for ${stallMs} ms; was it unplugged, or is the USB bus stuck? Replug it and start again.`,
            ),
          );
        } else if (cancelled) {
          queue.end();
        } else {
          this.lost = true;
          queue.fail(
            new DeviceError(
              'unplugged',
              `RTL-SDR ${this.info.name} stopped delivering samples (librtlsdr read ended with ${err ? String(err) : rc}); ` +
                'was it unplugged? Replug it and start again.',
              { cause: err },
            ),
          );
        }
        resolve();
      });
    });
    this.streaming = { queue, done, cancel };
    return this.streaming;
  }

  /** Stops streaming and closes the dongle. Idempotent. */
  async close(): Promise<void> {
    const s = this.streaming;
    if (s) {
      s.cancel();
      s.queue.end();
      await s.done;
    }
    await this.commands.run(async () => {
      const dev = this.dev;
      this.dev = null;
      if (dev) await this.lib.close(dev);
    });
  }
}
