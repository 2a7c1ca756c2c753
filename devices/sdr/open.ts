/**
 * Source specs as the CLI and the engine write them, and opening them:
 *
 *   rtlsdr:INDEX          a dongle by librtlsdr index (0, 1, …)
 *   rtlsdr:SERIAL         a dongle by USB serial (anything not a small index,
 *                         or rtlsdr:serial=SERIAL to be explicit, e.g. for "00000001")
 *   rtltcp:HOST[:PORT]    an rtl_tcp server (port 1234 by default; IPv6 as [::1]:1234)
 *   file:PATH             a SigMF recording (.sigmf-meta), a group's SigMF collection (.sigmf-collection) or raw cu8 file
 *   sim[:ANTENNA]         the simulated sky (devices/sim), antenna 0 by default
 *   group:SPEC,SPEC[,…]   a coherent group (group.ts) of sources sharing a clock, e.g.
 *                         group:rtlsdr:0,rtlsdr:1 or group:sim:0,sim:1 (one sky, seen by two antennas)
 *
 * The grammar is spec.ts's (one for the CLI, the API, the UI and this file).
 * To add a kind: a case in spec.ts's parser and one in openSource.
 */
import { DeviceError } from '../errors.ts';
import { FileSource } from './file-source.ts';
import { CoherentGroup } from './group.ts';
import { RtlSdrSource } from './rtlsdr-source.ts';
import { RtlTcpSource } from './rtltcp-client.ts';
import type { SampleSource, Tuning } from './source.ts';
import { type SourceSpec, parseSourceSpec } from './spec.ts';

export { type SourceSpec, maxGroupMembers, parseSourceSpec, sourceSpecHelp } from './spec.ts';

export interface OpenSourceOptions {
  /** Tuning to apply (a recording keeps its own). */
  tuning?: Partial<Tuning>;
  /** librtlsdr file for rtlsdr: sources (default: $FRINGE_LIBRTLSDR, else the system's). */
  libraryPath?: string;
  /** For file: and sim: sources: multiple of real time, or false for as fast as possible. Default 1. */
  pacing?: number | false;
  /** For sim: a scenario JSON file, or a scenario object checked like one. */
  scenario?: string | Record<string, unknown>;
  /** For sim: drives the dish's pointing (degrees at sky time, ms), e.g. a rotator's last position; default the scenario's. */
  pointing?: { pointingAt(timeMs: number): { az: number; el: number } };
}

/** The part of devices/sim that open.ts uses, loaded lazily so devices/sdr does not depend on it. */
interface SimModule {
  openSimSource(options: { antenna?: number; pacing?: number | false; scenario?: string | Record<string, unknown>; pointing?: OpenSourceOptions['pointing'] }): Promise<SampleSource>;
}

async function loadSim(): Promise<SimModule> {
  const specifier = '../sim/index.ts'; // a variable: resolved at run time, not by the type checker
  let mod: Partial<SimModule>;
  try {
    mod = (await import(specifier)) as Partial<SimModule>;
  } catch (err) {
    throw new DeviceError('not-installed', 'The sim source is not yet available in this build (devices/sim could not be loaded).', { cause: err });
  }
  if (typeof mod.openSimSource !== 'function') {
    throw new DeviceError('not-installed', 'The sim source is not yet available in this build (devices/sim has no openSimSource).');
  }
  return mod as SimModule;
}

/** Applies the tuning fields given, through the source's setters. */
async function applyTuning(source: SampleSource, t: Partial<Tuning>): Promise<void> {
  if (t.sampleRate !== undefined) await source.setSampleRate(t.sampleRate);
  if (t.centerFrequency !== undefined) await source.setCenterFrequency(t.centerFrequency);
  if (t.ppm !== undefined) await source.setPpm(t.ppm);
  if (t.gain !== undefined) await source.setGain(t.gain);
  if (t.biasTee !== undefined) await source.setBiasTee(t.biasTee);
}

/** Opens the source a spec names, tuned as asked. Throws DeviceError. */
export async function openSource(spec: string | SourceSpec, options: OpenSourceOptions = {}): Promise<SampleSource> {
  const s = typeof spec === 'string' ? parseSourceSpec(spec) : spec;
  const tuning = options.tuning ?? {};
  switch (s.kind) {
    case 'rtlsdr':
      return RtlSdrSource.open({ device: s.device, tuning, ...(options.libraryPath ? { libraryPath: options.libraryPath } : {}) });
    case 'rtltcp':
      return RtlTcpSource.connect({ host: s.host, port: s.port, tuning });
    case 'file':
      // A group's recording, as fringe record writes it: its inputs as the same group again.
      if (s.path.endsWith('.sigmf-collection')) {
        const members = await FileSource.openCollection(s.path, { pacing: options.pacing ?? 1 });
        return members.length === 1 ? members[0]! : CoherentGroup.join(members);
      }
      return FileSource.open({
        path: s.path,
        pacing: options.pacing ?? 1,
        ...(tuning.sampleRate !== undefined ? { sampleRate: tuning.sampleRate } : {}),
        ...(tuning.centerFrequency !== undefined ? { centerFrequency: tuning.centerFrequency } : {}),
      });
    case 'group': {
      const members: SampleSource[] = [];
      try {
        for (const m of s.members) members.push(await openSource(m, options));
      } catch (err) {
        await Promise.all(members.map((m) => m.close()));
        throw err;
      }
      return CoherentGroup.join(members);
    }
    case 'sim': {
      const sim = await loadSim();
      const source = await sim.openSimSource({
        antenna: s.antenna,
        pacing: options.pacing ?? 1,
        ...(options.scenario ? { scenario: options.scenario } : {}),
        ...(options.pointing ? { pointing: options.pointing } : {}),
      });
      try {
        await applyTuning(source, tuning);
      } catch (err) {
        await source.close();
        throw err;
      }
      return source;
    }
  }
}
