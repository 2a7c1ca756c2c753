/**
 * A coherent group: N sources that share a clock (dongles fed from one
 * reference, or rtl_tcp servers on such dongles) read as one source of N
 * inputs. It tunes every member alike, renumbers their blocks 0…N−1 and
 * merges their streams as they come. Each member keeps its own sample count,
 * so a member that drops samples reports them in its own blocks; the
 * correlator's pipeline resynchronises all inputs after a gap.
 *
 * What it cannot know from the bytes alone is how the members' sample
 * counts line up (each starts streaming at its own moment): that is measured
 * from a common signal (src/analysis/delay.ts) and handed to the correlator
 * as per-input delays.
 */
import { DeviceError } from '../errors.ts';
import type { Block, SampleSource, SourceInfo, Tuning } from './source.ts';

export class CoherentGroup implements SampleSource {
  readonly info: SourceInfo;
  private closed = false;
  private streaming = false;

  private constructor(readonly members: readonly SampleSource[]) {
    this.info = { kind: 'group', name: `group of ${members.length}: ${members.map((m) => m.info.name).join(', ')}` };
  }

  /**
   * Joins open sources (at least 2; closed with the group). Their tunings
   * are made equal to the first member's.
   */
  static async join(members: SampleSource[]): Promise<CoherentGroup> {
    if (members.length < 2) throw new DeviceError('invalid', `a group needs at least 2 sources (got ${members.length}); open a single source instead.`);
    const group = new CoherentGroup(members);
    try {
      const t = members[0]!.tuning;
      await group.setSampleRate(t.sampleRate);
      await group.setCenterFrequency(t.centerFrequency);
      await group.setGain(t.gain);
      await group.setPpm(t.ppm);
    } catch (err) {
      await group.close();
      throw err;
    }
    return group;
  }

  /** Number of inputs. */
  get inputs(): number {
    return this.members.length;
  }

  get tuning(): Readonly<Tuning> {
    return this.members[0]!.tuning;
  }

  /** Gains every member supports (dB). */
  get gains(): readonly number[] {
    const [first, ...rest] = this.members;
    return first!.gains.filter((g) => rest.every((m) => m.gains.length === 0 || m.gains.includes(g)));
  }

  /** Applies a setting to every member; all must apply the same value, or the group is not coherent. */
  private async all<T>(what: string, set: (m: SampleSource) => Promise<T>): Promise<T> {
    if (this.closed) throw new DeviceError('closed', 'the group is closed; open a new one.');
    const applied = await Promise.all(this.members.map(set));
    if (applied.some((v) => v !== applied[0])) {
      const list = applied.map((v, i) => `${this.members[i]!.info.name}: ${String(v)}`).join('; ');
      throw new DeviceError('invalid', `the group's members applied different ${what} (${list}); a coherent group needs identical dongles.`);
    }
    return applied[0]!;
  }

  setCenterFrequency(hz: number): Promise<number> {
    return this.all('centre frequencies', (m) => m.setCenterFrequency(hz));
  }
  setSampleRate(hz: number): Promise<number> {
    return this.all('sample rates', (m) => m.setSampleRate(hz));
  }
  setGain(db: number | 'auto'): Promise<number | 'auto'> {
    return this.all('gains', (m) => m.setGain(db));
  }
  setPpm(ppm: number): Promise<number> {
    return this.all('frequency corrections', (m) => m.setPpm(ppm));
  }
  /** Bias-tee power goes to every member's antenna port. */
  setBiasTee(on: boolean): Promise<boolean> {
    return this.all('bias-tee settings', (m) => m.setBiasTee(on));
  }

  /**
   * Every member's blocks, input = the member's place in the group, in the
   * order they arrive. One member failing ends the group with its error
   * (naming it); the others are stopped.
   */
  async *blocks(): AsyncGenerator<Block> {
    if (this.closed) throw new DeviceError('closed', 'the group is closed; open a new one.');
    if (this.streaming) throw new DeviceError('busy', 'this group is already streaming; break out of the other blocks() loop first.');
    this.streaming = true;
    const iterators = this.members.map((m) => m.blocks()[Symbol.asyncIterator]());
    // Each member has one request out at a time; answers queue in the order they come (first come, first
    // yielded), so a member that is always ready cannot starve the others.
    type Answer = { input: number; result: IteratorResult<Block> } | { input: number; error: unknown };
    const answers: Answer[] = [];
    let wake: (() => void) | null = null;
    const ask = (input: number) => {
      iterators[input]!.next().then(
        (result) => answers.push({ input, result }),
        (error: unknown) => answers.push({ input, error }),
      ).finally(() => {
        wake?.();
        wake = null;
      });
    };
    iterators.forEach((_, i) => ask(i));
    try {
      for (;;) {
        while (answers.length === 0) await new Promise<void>((r) => (wake = r));
        const answer = answers.shift()!;
        if ('error' in answer) {
          const err = answer.error;
          const why = err instanceof Error ? err.message : String(err);
          const kind = err instanceof DeviceError ? err.kind : 'io';
          throw new DeviceError(kind, `group member ${answer.input} (${this.members[answer.input]!.info.name}): ${why}`, { cause: err });
        }
        // One member ended (a recording ran out, a server closed): the group has no more common samples.
        if (answer.result.done) return;
        ask(answer.input);
        yield { ...answer.result.value, input: answer.input };
      }
    } finally {
      this.streaming = false;
      // Not awaited: a member's return() waits behind its pending next(), which a stalled dongle may never answer.
      for (const it of iterators) void it.return?.().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.members.map((m) => m.close().catch(() => undefined)));
  }
}
