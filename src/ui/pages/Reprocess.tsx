/**
 * A raw observation's Reprocess panel: its recorded samples through the FX
 * core again with other settings (channels, integration time), into a new
 * observation, with the progress the station reports as 'task' events.
 */
import { useEffect, useState } from 'react';
import type { Events } from '../../api/contract.ts';
import type { StationView } from '../station.ts';
import { defaultIntegration } from '../../api/inputs.ts';

const channelChoices = [256, 512, 1024, 2048, 4096, 8192, 16384];

export function ReprocessPanel({ station, obsId, channels, onDone, onOpen }: { station: StationView; obsId: number; channels: number; onDone: (id: number) => void; onOpen: (id: number) => void }) {
  const [c, setC] = useState(channels);
  const [integration, setIntegration] = useState(String(defaultIntegration));
  const [task, setTask] = useState<Events['task'] | null>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<number | null>(null);
  useEffect(() => station.client.on('task', (t) => t.observation === obsId && setTask(t)), [station.client, obsId]);

  const start = async () => {
    const tau = Number(integration);
    if (!(tau >= 0.01 && tau <= 3600)) return station.report(new Error(`'${integration}' is not an integration time in seconds (0.01–3600)`), 'reprocess', 'observations');
    setBusy(true);
    setTask(null);
    setMade(null);
    const r = await station.call('observations.reprocess', { id: obsId, channels: c, integration: tau }, `reprocess observation ${obsId}`);
    setBusy(false);
    if (r) {
      setMade(r.id);
      onDone(r.id);
    }
  };

  return (
    <div className="reprocess" data-testid="reprocess">
      <h3>Reprocess</h3>
      <p className="muted small">This observation holds the raw samples. Run them through the correlator with the settings below into a new observation (its spectra, total power and exports).</p>
      <div className="row">
        <label className="inline">
          Channels
          <select value={c} onChange={(e) => setC(Number(e.target.value))} data-testid="reprocess-channels">
            {channelChoices.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Integration <span className="unit">s</span>
          <input className="narrow" inputMode="decimal" value={integration} onChange={(e) => setIntegration(e.target.value)} data-testid="reprocess-integration" />
        </label>
        <button className="primary" disabled={busy} onClick={() => void start()} data-testid="reprocess-start">
          {busy ? 'Reprocessing…' : 'Reprocess'}
        </button>
      </div>
      {task ? (
        <div className={`upload-job ${task.failed ? 'failed' : task.fraction >= 1 ? 'done' : ''}`}>
          <div className="upload-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(task.fraction * 100)} data-testid="reprocess-progress">
            <div className="upload-progress-fill" style={{ width: `${task.fraction * 100}%` }} />
          </div>
          <div className="muted small" data-testid="reprocess-message">
            {Math.round(task.fraction * 100)} % · {task.message}
          </div>
          {made !== null ? (
            <button className="ghost" onClick={() => onOpen(made)} data-testid="reprocess-open">
              Open observation #{made}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
