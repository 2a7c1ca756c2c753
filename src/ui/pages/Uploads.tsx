/**
 * Uploads on the Observations page: an opened observation's Upload panel
 * (target, format, each job with its progress, state, attempts and last
 * error) and the Upload targets panel (list, add HTTP or FTP, remove).
 * Jobs update from the station's `upload` events; secrets go to the
 * station once and are never shown or read back.
 */
import { useEffect, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import type { StationView } from '../station.ts';

export type TargetSummary = Result<'targets.list'>[number];
type Job = Result<'uploads.list'>[number];
type Format = Result<'uploads.formats'>['formats'][number];

const formatLabels: Record<Format, string> = {
  fits: 'FITS dynamic spectrum',
  callisto: 'e-CALLISTO FITS',
  csv: 'CSV total power',
  spd: 'Radio-SkyPipe .spd',
  sigmf: 'SigMF raw samples',
  uvfits: 'UVFITS visibilities',
};

const stateLabels: Record<Job['state'], string> = { queued: 'waiting', running: 'sending', done: 'done', failed: 'failed' };

/** Bytes as B, KiB or MiB. */
export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(2)} MiB`;
}

/**
 * A transport's error (observations/upload/http.ts, ftp.ts, queue.ts) in
 * plain words; `detail`: whether the original says more (the server's own
 * words, an address) and should stay beside it.
 */
export function explainUploadError(message: string): { text: string; detail: boolean } {
  const text = plainWords(message);
  return { text, detail: text !== message && !/^(That target was removed|Interrupted)/.test(text) };
}

function plainWords(message: string): string {
  const status = /server answered (\d{3})/.exec(message)?.[1];
  if (status) {
    const s = Number(status);
    if (s === 401 || s === 403) return `The server refused the credentials (HTTP ${s}): check the token.`;
    if (s === 404 || s === 405) return `The server has no upload place at that address (HTTP ${s}): check the URL and the method.`;
    if (s === 413) return 'The server refused a file this large (HTTP 413).';
    if (s === 408 || s === 429) return `The server is busy (HTTP ${s}); it is tried again later.`;
    if (s >= 500) return `The server failed while storing the file (HTTP ${s}).`;
    return `The server refused the upload (HTTP ${s}).`;
  }
  if (/ECONNREFUSED/.test(message)) return 'Nothing answers at that address: is the server running?';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'The server’s name does not resolve: check the URL or the network.';
  if (/ECONNRESET|socket hang up|EPIPE/.test(message)) return 'The connection broke during the transfer.';
  if (/no progress for/.test(message)) return 'The server stopped taking data.';
  if (/TLS certificate is not trusted/.test(message)) return 'The server’s TLS certificate is not trusted.';
  if (/login failed/.test(message)) return 'The FTP server refused the login.';
  if (/received a file with SHA-256/.test(message)) return 'The file arrived damaged (its checksum differs); it is sent again.';
  if (/changed after it was queued/.test(message)) return 'The export changed after it was queued: start the upload again.';
  if (/^interrupted/.test(message)) return 'Interrupted when the station stopped; it goes on by itself.';
  if (/no upload target/.test(message)) return 'That target was removed.';
  return message;
}

/** The station's targets, reloaded on demand (after an add or remove). */
export function useTargets(station: StationView): { targets: TargetSummary[] | null; reload: () => void } {
  const { client } = station;
  const [targets, setTargets] = useState<TargetSummary[] | null>(null);
  const reload = () => void station.call('targets.list', {}, 'list the upload targets').then((t) => t && setTargets(t));
  useEffect(() => {
    if (station.connection === 'open') reload();
  }, [client, station.connection]);
  return { targets, reload };
}

/** Re-renders once a second while `on` (retry countdowns); returns the time of this render (ms). */
function useTick(on: boolean): number {
  const [, setTicks] = useState(0);
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setTicks((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [on]);
  return Date.now();
}

export function UploadPanel({ station, obsId, targets }: { station: StationView; obsId: number; targets: TargetSummary[] | null }) {
  const { client } = station;
  const [formats, setFormats] = useState<Format[] | null>(null);
  const [format, setFormat] = useState<Format | ''>('');
  const [target, setTarget] = useState('');
  const [jobs, setJobs] = useState<Job[]>([]);
  const [busy, setBusy] = useState(false);
  /** What the last click on Upload did: a new job, or the one already there for this file and target. */
  const [said, setSaid] = useState<string | null>(null);

  useEffect(() => {
    if (station.connection !== 'open') return;
    void station.call('uploads.formats', { id: obsId }, `read which formats observation ${obsId} can be uploaded as`).then((r) => {
      if (!r) return;
      setFormats(r.formats);
      setFormat((f) => (f && r.formats.includes(f) ? f : r.formats[0] ?? ''));
    });
    void station.call('uploads.list', { id: obsId }, 'list the uploads').then((j) => j && setJobs(j));
    return client.on('upload', (e) => {
      if (e.observation !== obsId) return;
      setJobs((js) => (js.some((j) => j.job === e.job) ? js.map((j) => (j.job === e.job ? e : j)) : [...js, e]));
    });
  }, [client, station.connection, obsId]);
  useEffect(() => {
    if (targets && !targets.some((t) => t.name === target)) setTarget(targets[0]?.name ?? '');
  }, [targets]);

  const waiting = jobs.some((j) => j.retryAt !== null);
  const now = useTick(waiting);

  const start = async () => {
    if (!format || !target) return;
    setBusy(true);
    setSaid(null);
    const job = await station.call('uploads.start', { id: obsId, format, target }, `upload observation ${obsId}`);
    setBusy(false);
    if (!job) return;
    setSaid(uploadFeedback(job, jobs));
    setJobs((js) => (js.some((j) => j.job === job.job) ? js.map((j) => (j.job === job.job ? job : j)) : [...js, job]));
  };
  const retry = (job: number) => void station.call('uploads.retry', { job }, `retry upload ${job}`);
  const cancel = (job: number) => void station.call('uploads.cancel', { job }, `cancel upload ${job}`);

  return (
    <div className="upload-block" data-testid="upload-panel">
      <h3>Upload</h3>
      {formats !== null && formats.length === 0 ? (
        <p className="muted small">This observation has nothing to upload yet (no integrations, or it is still recording).</p>
      ) : targets !== null && targets.length === 0 ? (
        <p className="muted small" data-testid="upload-no-targets">No upload targets yet: add one under Upload targets below.</p>
      ) : (
        <div className="row upload-form">
          <label className="inline">
            Target
            <select value={target} onChange={(e) => setTarget(e.target.value)} data-testid="upload-target">
              {(targets ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.kind})
                </option>
              ))}
            </select>
          </label>
          <label className="inline">
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value as Format)} data-testid="upload-format">
              {(formats ?? []).map((f) => (
                <option key={f} value={f}>
                  {formatLabels[f]}
                </option>
              ))}
            </select>
          </label>
          <button className="primary" onClick={() => void start()} disabled={busy || !format || !target || station.connection !== 'open'} data-testid="upload-start">
            {busy ? 'Exporting…' : 'Upload'}
          </button>
          {said ? <span className="muted small" data-testid="upload-said">{said}</span> : null}
        </div>
      )}
      {jobs.length > 0 ? (
        <ul className="upload-jobs" data-testid="upload-jobs">
          {[...jobs].reverse().map((j) => (
            <JobRow key={j.job} job={j} now={now} onRetry={() => retry(j.job)} onCancel={() => cancel(j.job)} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function JobRow({ job: j, now, onRetry, onCancel }: { job: Job; now: number; onRetry: () => void; onCancel: () => void }) {
  const fraction = j.total > 0 ? Math.min(1, j.sent / j.total) : j.state === 'done' ? 1 : 0;
  const percent = Math.floor(fraction * 100);
  const wait = j.retryAt !== null ? Math.max(0, Math.ceil(j.retryAt - now / 1000)) : null;
  const why = j.error ? explainUploadError(j.error) : null;
  return (
    <li className={`upload-job ${j.state}`} data-testid={`upload-job-${j.job}`} data-state={j.state}>
      <div className="upload-job-head">
        <span className="mono">{j.file}</span>
        <span className="muted small">
          → {j.target}
          {j.format ? ` · ${formatLabels[j.format]}` : ''}
        </span>
        <span className={`status ${j.state}`} data-testid="upload-state">
          {stateLabels[j.state]}
        </span>
      </div>
      <div className="upload-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="upload-progress">
        <div className="upload-progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <div className="upload-job-foot small">
        <span className="mono" data-testid="upload-bytes">
          {bytes(j.sent)} of {bytes(j.total)} · {percent} %
        </span>
        <span className="muted" data-testid="upload-attempts">
          {j.attempts === 0 ? 'not tried yet' : `attempt ${j.attempts} of ${j.maxAttempts}`}
          {wait !== null && j.state === 'queued' ? ` · next try in ${wait} s` : ''}
          {j.state === 'running' && j.total > 0 && j.sent >= j.total ? ' · all sent, waiting for the server to confirm' : ''}
          {j.alreadyThere ? ' · the server already had it' : ''}
        </span>
        {j.state === 'failed' ? (
          <button className="ghost" onClick={onRetry} data-testid="upload-retry">
            Retry
          </button>
        ) : j.state === 'queued' ? (
          <button className="ghost" onClick={onCancel} data-testid="upload-cancel" title="take it off the queue before it starts (Retry puts it back)">
            Cancel
          </button>
        ) : null}
      </div>
      {why ? (
        <div className="upload-error small" data-testid="upload-error">
          <span>{why.text}</span> {why.detail ? <span className="muted">({j.error})</span> : null}
        </div>
      ) : null}
    </li>
  );
}

export function TargetsPanel({ station, targets, reload }: { station: StationView; targets: TargetSummary[] | null; reload: () => void }) {
  const { client } = station;
  const [kind, setKind] = useState<'http' | 'ftp'>('http');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [method, setMethod] = useState<'PUT' | 'POST'>('PUT');
  const [token, setToken] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  /** A field's setter that also clears the last complaint about the form. */
  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    setProblem(null);
    set(e.target.value);
  };

  const add = async () => {
    setProblem(null);
    const spec = kind === 'http'
      ? { kind, name: name.trim(), url: url.trim(), method, ...(token ? { token } : {}) }
      : { kind, name: name.trim(), url: url.trim(), ...(username ? { username } : {}), ...(password ? { password } : {}) };
    try {
      await client.call('targets.add', spec);
    } catch (err) {
      // The station's message names the call ("targets.add: url: …"): the field is what matters here.
      setProblem(`Could not add ${spec.name || 'the target'}: ${(err as Error).message.replace(/^targets\.add: /, '')}`);
      return;
    }
    setName('');
    setUrl('');
    setToken('');
    setUsername('');
    setPassword('');
    reload();
  };
  const remove = async (n: string) => {
    setConfirm(null);
    await station.call('targets.remove', { name: n }, `remove target ${n}`);
    reload();
  };

  return (
    <section className="panel targets-panel" data-testid="targets-panel">
      <div className="panel-head">
        <h2>Upload targets</h2>
        <span className="muted small">Credentials stay in the station’s targets.json (owner-only); they are never shown again.</span>
      </div>
      {targets === null ? (
        <p className="muted">Loading…</p>
      ) : targets.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <div className="table-scroll">
        <table className="obs-table targets-table" data-testid="targets-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Address</th>
              <th>Credentials</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {targets.map((t) => (
              <tr key={t.name} data-testid={`target-row-${t.name}`}>
                <td>{t.name}</td>
                <td>{t.kind === 'http' ? `HTTP ${t.method ?? ''}` : 'FTP'}</td>
                <td className="mono">{t.url}</td>
                <td className="muted">{t.secret ? (t.kind === 'http' ? 'token set' : `${t.username ?? 'anonymous'}, password set`) : t.username ?? 'none'}</td>
                <td className="num">
                  {confirm === t.name ? (
                    <>
                      <button className="danger" onClick={() => void remove(t.name)} data-testid={`target-remove-confirm-${t.name}`}>
                        Remove {t.name}
                      </button>
                      <button className="ghost" onClick={() => setConfirm(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <button className="ghost danger-text" onClick={() => setConfirm(t.name)} data-testid={`target-remove-${t.name}`}>
                      Remove…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
      )}
      <form
        className="target-form"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
        data-testid="target-form"
      >
        <span className="seg" role="group" aria-label="kind">
          <button type="button" className={kind === 'http' ? 'on' : ''} onClick={() => setKind('http')} data-testid="target-kind-http">
            HTTP
          </button>
          <button type="button" className={kind === 'ftp' ? 'on' : ''} onClick={() => setKind('ftp')} data-testid="target-kind-ftp">
            FTP
          </button>
        </span>
        <label>
          Name
          <input value={name} onChange={edit(setName)} placeholder="archive" maxLength={64} data-testid="target-name" />
        </label>
        <label className="wide">
          URL
          <input value={url} onChange={edit(setUrl)} placeholder={kind === 'http' ? 'https://archive.example.org/incoming/' : 'ftp://ftp.example.org/incoming'} data-testid="target-url" />
        </label>
        {kind === 'http' ? (
          <>
            <label className="narrow">
              Method
              <select value={method} onChange={(e) => setMethod(e.target.value as 'PUT' | 'POST')} data-testid="target-method">
                <option value="PUT">PUT to URL/name</option>
                <option value="POST">POST form to URL</option>
              </select>
            </label>
            <label>
              Bearer token (optional)
              <input type="password" autoComplete="off" value={token} onChange={edit(setToken)} data-testid="target-token" />
            </label>
          </>
        ) : (
          <>
            <label>
              User (default anonymous)
              <input autoComplete="off" value={username} onChange={edit(setUsername)} data-testid="target-user" />
            </label>
            <label>
              Password
              <input type="password" autoComplete="off" value={password} onChange={edit(setPassword)} data-testid="target-password" />
            </label>
          </>
        )}
        <button type="submit" className="primary" disabled={!name.trim() || !url.trim() || station.connection !== 'open'} data-testid="target-add">
          Add target
        </button>
      </form>
      {problem ? (
        <p className="error-text small" data-testid="target-problem">
          {problem}
        </p>
      ) : null}
    </section>
  );
}

/** What a click on Upload did, in words: a new job, or the job this file already had for the target (the station sends a file once). */
export function uploadFeedback(job: Job, before: readonly Job[]): string {
  const had = before.find((j) => j.job === job.job);
  if (!had) return `Queued as upload #${job.job}.`;
  if (job.state === 'done') return `Already uploaded: upload #${job.job} sent this file to ${job.target}.`;
  if (had.state === 'failed' && job.state === 'queued') return `Upload #${job.job} queued again.`;
  return `Already ${stateLabels[job.state].toLowerCase()}: upload #${job.job}.`;
}
