/**
 * The Hydrogen page's editors: the persistent RFI mask (velocity ranges in
 * km/s LSR saved in the data folder and flagged by every reduction: added by
 * two numbers or by dragging across the spectrum, listed, removed) and a
 * switched observation (position: on/off through the rotator; frequency: two
 * LO settings a throw apart), recorded on the station and then reduced.
 */
import { useEffect, useRef, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import type { HiObserveTaskEvent } from '../../api/types.ts';
import type { StationView } from '../station.ts';

/** Velocity ranges typed as '-120:-60, 60:120' (km/s), or null when one is not LO:HI with LO below HI. */
export function parseRanges(text: string): [number, number][] | null {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '');
  const out: [number, number][] = [];
  for (const p of parts) {
    const m = /^([-+]?\d+(?:\.\d*)?):([-+]?\d+(?:\.\d*)?)$/.exec(p);
    if (!m || !(Number(m[1]) < Number(m[2]))) return null;
    out.push([Number(m[1]), Number(m[2])]);
  }
  return out;
}

/** A number typed, or null when it is not one. */
const num = (t: string) => (/^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/.test(t) ? Number(t) : null);
/** Two numbers typed as 'A,B', or null (the station checks their ranges and says which is wrong). */
const numPair = (t: string): [number, number] | null => {
  const p = t.split(',').map(num);
  return p.length === 2 && p[0] !== null && p[1] !== null ? [p[0]!, p[1]!] : null;
};
/** How the off position is given: degrees away in b, l or azimuth, or a direction (RA,Dec or l,b). */
type OffAxis = 'b' | 'l' | 'az' | 'radec' | 'gal';

/** The saved mask: its ranges, add (two numbers, or the range last dragged across the spectrum), remove; `changed` after an edit. */
export function MaskEditor({ station, dragged, changed }: { station: StationView; dragged: [number, number] | null; changed: () => void }) {
  const [ranges, setRanges] = useState<Result<'hi.mask.list'>['ranges']>([]);
  const [lo, setLo] = useState('');
  const [hi, setHi] = useState('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void station.call('hi.mask.list', {}, 'read the HI mask').then((r) => r && setRanges(r.ranges));
  }, [station]);
  useEffect(() => {
    if (!dragged) return;
    setLo(dragged[0].toFixed(1));
    setHi(dragged[1].toFixed(1));
  }, [dragged]);
  const add = async () => {
    const a = num(lo), b = num(hi);
    if (a === null || b === null || !(a < b)) return setProblem('Give the range to flag as two velocities in km/s (LSR), the lower first, or drag across the spectrum.');
    setProblem(null);
    const r = await station.call('hi.mask.add', { range: [a, b], ...(note.trim() ? { note: note.trim() } : {}) }, `add ${a}…${b} km/s to the HI mask`);
    if (!r) return;
    setRanges(r.ranges);
    setLo('');
    setHi('');
    setNote('');
    changed();
  };
  const remove = async (range: [number, number]) => {
    const r = await station.call('hi.mask.remove', { range }, `remove ${range[0]}…${range[1]} km/s from the HI mask`);
    if (!r) return;
    setProblem(null);
    setRanges(r.ranges);
    changed();
  };
  return (
    <section className="panel" data-testid="hi-mask-panel">
      <div className="panel-head"><h2>RFI mask (saved, flagged by every reduction)</h2></div>
      <div className="row">
        <label>From <input data-testid="hi-mask-lo" value={lo} onChange={(e) => setLo(e.target.value)} placeholder="km/s" size={7} /></label>
        <label>to <input data-testid="hi-mask-hi" value={hi} onChange={(e) => setHi(e.target.value)} placeholder="km/s" size={7} /></label>
        <label>Why <input data-testid="hi-mask-note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. local carrier" size={18} /></label>
        <button data-testid="hi-mask-add" onClick={() => void add()}>Add to mask</button>
        <span className="note">or drag across the spectrum to fill the range</span>
      </div>
      {problem ? <p className="error" data-testid="hi-mask-problem">{problem}</p> : null}
      {ranges.length ? (
        <table data-testid="hi-mask-list">
          <thead><tr><th>v_LSR from (km/s)</th><th>to (km/s)</th><th>why</th><th>added</th><th /></tr></thead>
          <tbody>
            {ranges.map((r, i) => (
              <tr key={`${r.lo_kms}:${r.hi_kms}`}>
                <td>{r.lo_kms}</td><td>{r.hi_kms}</td><td>{r.note ?? ''}</td><td>{r.added ? r.added.slice(0, 16).replace('T', ' ') : ''}</td>
                <td><button data-testid={`hi-mask-remove-${i}`} onClick={() => void remove([r.lo_kms, r.hi_kms])}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p className="note" data-testid="hi-mask-empty">The saved mask is empty.</p>}
    </section>
  );
}

/** Records a switched observation on the station (hi.observe) and hands its id on. */
export function SwitchPanel({ station, recorded }: { station: StationView; recorded: (id: number) => void }) {
  const [kind, setKind] = useState<'position' | 'frequency'>('frequency');
  const [seconds, setSeconds] = useState('8');
  const [cycles, setCycles] = useState('2');
  const [off, setOff] = useState('60');
  const [offAxis, setOffAxis] = useState<OffAxis>('b');
  const [throwK, setThrowK] = useState('');
  const [tsys, setTsys] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [progress, setProgress] = useState<HiObserveTaskEvent | null>(null);
  // This page's run (a token hi.observe echoes in its events): another tab's run is not shown as this one's; with no run
  // of its own (a page opened while one runs) it shows whichever is running.
  const myRun = useRef<string | null>(null);
  useEffect(() => station.client.on('task', (t) => {
    if (t.kind === 'hi-observe' && (myRun.current === null || t.run === myRun.current)) setProgress(t);
  }), [station.client]);
  const stop = () => void station.call('hi.stop', {}, 'stop the switched observation');
  const record = async () => {
    const s = num(seconds), c = num(cycles), t = throwK.trim() ? num(throwK) : undefined, ts = tsys.trim() ? num(tsys) : undefined;
    const named = offAxis === 'radec' || offAxis === 'gal';
    const o = named ? null : num(off), pair = named ? numPair(off) : null;
    if (s === null || !(s > 0) || c === null || !Number.isInteger(c) || c < 1) return setProblem('Give the seconds (all phases together) and a whole number of cycles.');
    if (kind === 'position' && !named && (o === null || o === 0)) return setProblem('Give the off position\'s offset in degrees (not 0).');
    if (kind === 'position' && named && !pair) return setProblem(offAxis === 'radec' ? 'Give the off position as RA,Dec: hours and degrees, e.g. 5.5,22.' : 'Give the off position as l,b in degrees, e.g. 180,30.');
    if (t === null || ts === null) return setProblem('The throw (kHz) and T_sys (K) are numbers, or empty.');
    setProblem(null);
    setBusy(true);
    setDone(null);
    setProgress(null);
    const offKey = { az: 'offAz', l: 'offL', b: 'offB', radec: 'offRadec', gal: 'offGal' }[offAxis];
    const run = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    myRun.current = run;
    const r = await station.call('hi.observe', {
      switch: kind, seconds: s, cycles: c, run,
      ...(kind === 'position' ? { [offKey]: named ? pair! : o! } : {}), ...(kind === 'frequency' && t !== undefined ? { throwKhz: t } : {}), ...(ts !== undefined ? { tsys: ts } : {}),
    }, `record a ${kind}-switched observation`);
    setBusy(false);
    if (!r) return;
    const asked = Number(r.switching.cycles);
    setDone(`Observation ${r.id} ${r.status}: ${r.integrations} integrations recorded ${r.status === 'complete' ? `in ${asked} ${asked === 1 ? 'cycle' : 'cycles'}` : `(of ${asked} cycles asked)`}.`);
    recorded(r.id);
  };
  return (
    <section className="panel" data-testid="hi-switch-panel">
      <div className="panel-head"><h2>Switched observation</h2></div>
      <div className="row">
        <label>Switching <select data-testid="hi-switch-kind" value={kind} onChange={(e) => setKind(e.target.value as 'position' | 'frequency')}>
          <option value="frequency">frequency (two LO settings, folded)</option>
          <option value="position">position (on/off source, rotator)</option>
        </select></label>
        <label>Seconds <input data-testid="hi-switch-seconds" value={seconds} onChange={(e) => setSeconds(e.target.value)} size={5} /></label>
        <label>Cycles <input data-testid="hi-switch-cycles" value={cycles} onChange={(e) => setCycles(e.target.value)} size={3} /></label>
        {kind === 'position' ? (
          <label>Off <input data-testid="hi-switch-off" value={off} onChange={(e) => setOff(e.target.value)} size={9} placeholder={offAxis === 'radec' ? 'h,°' : offAxis === 'gal' ? 'l°,b°' : '°'} />
            <select data-testid="hi-switch-off-axis" value={offAxis} onChange={(e) => setOffAxis(e.target.value as OffAxis)}>
              <option value="b">° away in b</option><option value="l">° away in l</option><option value="az">° away in azimuth</option>
              <option value="radec">at RA,Dec (h,°)</option><option value="gal">at l,b (°)</option>
            </select></label>
        ) : (
          <label>Throw (kHz) <input data-testid="hi-switch-throw" value={throwK} onChange={(e) => setThrowK(e.target.value)} placeholder="0.4 of the band" size={9} /></label>
        )}
        <label>T_sys <input data-testid="hi-switch-tsys" value={tsys} onChange={(e) => setTsys(e.target.value)} placeholder="K (else relative)" size={12} /></label>
        <button data-testid="hi-switch-record" disabled={busy} onClick={() => void record()}>{busy ? 'Recording…' : 'Record'}</button>
        {busy ? <button data-testid="hi-switch-stop" onClick={stop}>Stop</button> : null}
      </div>
      {progress ? (
        <p className="note" data-testid="hi-switch-progress">
          <progress value={progress.fraction} max={1} /> <span data-testid="hi-switch-progress-text">{(100 * progress.fraction).toFixed(0)} %: {progress.message}</span>
        </p>
      ) : null}
      {problem ? <p className="error" data-testid="hi-switch-problem">{problem}</p> : null}
      {done ? <p className="note" data-testid="hi-switch-done">{done}</p> : null}
    </section>
  );
}
