/** An observation's waterfall: one input's power per channel and integration (sky time downward), from `observations.waterfall`. */
import { useEffect, useMemo, useState } from 'react';
import type { Result } from '../../api/contract.ts';
import { Plot, nightLayout } from '../components/Plot.tsx';
import type { StationView } from '../station.ts';

type Fall = Result<'observations.waterfall'>;

/** The Live waterfall's palette (inferno), dark to bright. */
const inferno: [number, string][] = [[0, '#000004'], [0.15, '#280b54'], [0.3, '#65156e'], [0.45, '#9f2a63'], [0.6, '#d44842'], [0.75, '#f57d15'], [0.9, '#fac127'], [1, '#fcffa4']];

export function RecordingWaterfall({ station, obsId, integrations }: { station: StationView; obsId: number; integrations: number }) {
  const [fall, setFall] = useState<Fall | null>(null);
  useEffect(() => {
    if (integrations > 0) void station.call('observations.waterfall', { id: obsId }, `read observation ${obsId}'s waterfall`).then((w) => w && setFall(w));
  }, [obsId, integrations]);
  const plot = useMemo(() => {
    if (!fall || fall.power.length === 0) return null;
    const z = fall.power.map((row) => row.map((p) => (p > 0 ? 10 * Math.log10(p) : NaN)));
    // Colour range: the passband's (middle 76 % of the columns), 1st to 99th percentile, so the line shows and the rolloff does not set the scale.
    const lo = Math.floor(fall.frequency.length * 0.12), hi = Math.ceil(fall.frequency.length * 0.88);
    const mid = z.flatMap((r) => r.slice(lo, hi)).filter(Number.isFinite).sort((a, b) => a - b);
    const zmin = mid[Math.floor(mid.length * 0.01)] ?? undefined, zmax = mid[Math.floor(mid.length * 0.99)] ?? undefined;
    return {
      data: [{
        type: 'heatmap', x: fall.frequency.map((f) => f / 1e6), y: fall.time.map((t) => t * 1000), z, zmin, zmax, colorscale: inferno,
        colorbar: { title: { text: 'dB', side: 'right' }, thickness: 10, outlinewidth: 0, tickfont: { size: 10 } },
        hovertemplate: '%{x:.4f} MHz<br>%{y|%H:%M:%S} UTC<br>%{z:.2f} dB<extra></extra>',
      }] as unknown as Partial<Plotly.PlotData>[],
      layout: nightLayout({
        xaxis: { title: { text: 'Frequency (MHz)' }, tickformat: '.2f' },
        yaxis: { type: 'date', title: { text: 'Time (UTC)' }, autorange: 'reversed' },
        margin: { l: 72, r: 8, t: 8, b: 44 },
      }),
    };
  }, [fall]);
  if (!plot || !fall) return null;
  return (
    <div className="recording-waterfall">
      <h3>
        Waterfall{' '}
        <span className="muted small">
          input {fall.input} · {fall.power.length} rows{fall.step > 1 ? ` of ${fall.step} integrations` : ''}
          {fall.channelsPerColumn > 1 ? ` · ${fall.channelsPerColumn} channels per column` : ''} · time downward
        </span>
      </h3>
      <Plot testId="obs-waterfall" data={plot.data} layout={plot.layout} className="plot medium" />
    </div>
  );
}
