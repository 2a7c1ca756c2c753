/** A plotly.js plot that redraws in place (Plotly.react) when its data change, themed for the night. */
import Plotly from 'plotly.js-dist-min';
import { useEffect, useRef } from 'react';

export const colors = {
  trace: '#ffb454',
  second: '#7fb8ff',
  grid: '#1f2a36',
  axis: '#8a9aab',
  text: '#c9d4df',
  line: '#ff6b5a',
};

/** One colour per input of a group (8 at most), input 0 in the single input's colour. */
export const inputColors = ['#7fb8ff', '#ffb454', '#7ed6a0', '#d69cff', '#ff8a7a', '#5fd3d9', '#e3d26f', '#b8c2cc'];

/** Colours for a group's baselines (up to 28: they repeat after 8), apart from the inputs' so a baseline is not read as an input. */
export const baselineColors = ['#f2c14e', '#4fc3f7', '#f78fb3', '#9ccc65', '#ba68c8', '#ff9e57', '#4db6ac', '#e0e0e0'];

/** The shared dark layout; callers add axes titles (with units) and ranges. */
export function nightLayout(extra: Partial<Plotly.Layout>): Partial<Plotly.Layout> {
  const axis = { gridcolor: colors.grid, zerolinecolor: colors.grid, linecolor: '#2c3a48', tickcolor: '#2c3a48', color: colors.axis, automargin: true, title: { font: { size: 12, color: colors.axis } } };
  return {
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'Inter, "Segoe UI", system-ui, sans-serif', size: 11, color: colors.text },
    margin: { l: 64, r: 16, t: 8, b: 44 },
    showlegend: false,
    hoverlabel: { bgcolor: '#101821', bordercolor: '#3b4b5c', font: { color: colors.text } },
    ...extra,
    xaxis: { ...axis, ...(extra.xaxis ?? {}) } as Partial<Plotly.LayoutAxis>,
    yaxis: { ...axis, ...(extra.yaxis ?? {}) } as Partial<Plotly.LayoutAxis>,
  };
}

const config: Partial<Plotly.Config> = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };

/**
 * `onSelectX`: a range of x dragged across the plot (the layout's dragmode 'select', selectdirection 'h'), told once the drag ends.
 */
export function Plot(props: { data: Partial<Plotly.PlotData>[]; layout: Partial<Plotly.Layout>; className?: string; testId?: string; onSelectX?: (lo: number, hi: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  /** The last draw: plotly finishes one (an automargin redraw included) after its promise resolves. */
  const drawing = useRef<Promise<unknown>>(Promise.resolve());
  const onSelectX = useRef(props.onSelectX);
  onSelectX.current = props.onSelectX;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    drawing.current = Plotly.react(el, props.data as Plotly.Data[], props.layout, config).then((gd) => {
      const g = gd as unknown as { removeAllListeners?: (e: string) => void; on: (e: string, f: (ev: { range?: { x?: number[] } } | undefined) => void) => void };
      if (!onSelectX.current) return;
      g.removeAllListeners?.('plotly_selected');
      g.on('plotly_selected', (ev) => {
        const x = ev?.range?.x;
        if (x && x.length === 2 && Number.isFinite(x[0]) && Number.isFinite(x[1])) onSelectX.current?.(Math.min(x[0]!, x[1]!), Math.max(x[0]!, x[1]!));
      });
    }).catch(() => undefined);
  }, [props.data, props.layout]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      // Purged mid-draw (leaving the page while a spectrum draws), plotly's automargin redraw threw
      // "Cannot read properties of undefined (reading '_redrawFromAutoMarginCount')": purge after the draw.
      if (el) void drawing.current.then(() => Plotly.purge(el));
    };
  }, []);
  return <div ref={ref} className={props.className ?? 'plot'} data-testid={props.testId} />;
}
