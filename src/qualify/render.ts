/**
 * report.html from report.json alone: a title block, the summary, the
 * requirements table, one section per requirement (procedure, result with its
 * figures and notes, plots), what is pending, and the configuration. Printed
 * to PDF by pdf.ts; the same HTML is what the UI opens.
 */
import type { Report, RequirementResult } from './types.ts';
import { plotSvg } from './svg.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function formatValue(v: number | null, unit = ''): string {
  if (v === null) return '—';
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  return unit ? `${s} ${unit}` : s;
}

const verdictWord = { pass: 'PASS', fail: 'FAIL', 'not-applicable': 'N/A', inconclusive: 'INCONCLUSIVE' } as const;
const groups: Record<RequirementResult['group'], string> = {
  correlator: 'Correlator', radiometer: 'Radiometer', system: 'System', science: 'Science chain', hardware: 'Hardware self-test',
};

function measuredText(r: RequirementResult): string {
  return r.measured === null ? '—' : `${formatValue(r.measured)}${r.sigma !== null ? ` ± ${formatValue(r.sigma)}` : ''}${r.unit ? ` ${r.unit}` : ''}`;
}

function section(r: RequirementResult, n: number): string {
  const figures = Object.entries(r.figures);
  const config = Object.entries(r.config).filter(([, v]) => typeof v !== 'object' || v === null || Array.isArray(v));
  return `<section class="req">
<h3>${n}. <span class="id">${esc(r.id)}</span> ${esc(r.title)} <span class="v ${r.verdict}">${verdictWord[r.verdict]}</span></h3>
<table class="kv">
<tr><th>Requirement</th><td>${esc(r.limitText)}</td><th>Measured</th><td><b>${esc(measuredText(r))}</b></td></tr>
<tr><th>Method</th><td>${esc(r.method)}</td><th>Time</th><td>${r.seconds.toFixed(1)} s</td></tr>
</table>
<p class="proc"><b>Procedure.</b> ${esc(r.procedure)}</p>
${figures.length ? `<table class="fig">${figures.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(typeof v === 'number' ? formatValue(v) : String(v ?? '—'))}</td></tr>`).join('')}</table>` : ''}
${r.notes.length ? `<ul class="notes">${r.notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : ''}
${config.length ? `<p class="cfg"><b>Configuration:</b> ${config.map(([k, v]) => `${esc(k)} ${esc(Array.isArray(v) ? v.join(', ') : String(v))}`).join('; ')}</p>` : ''}
${r.plots.map((p) => `<figure>${plotSvg(p)}</figure>`).join('\n')}
</section>`;
}

export const reportCss = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
body { font: 10.5pt/1.4 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #000; max-width: 190mm; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 2mm; } h2 { font-size: 13pt; border-bottom: 1px solid #000; margin-top: 8mm; } h3 { font-size: 11pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 1.2mm 2mm; vertical-align: top; }
table.reqs th, table.reqs td { border-bottom: 0.5px solid #999; font-size: 9pt; } table.reqs th { border-bottom: 1px solid #000; }
table.kv th { width: 18%; font-weight: normal; color: #444; } table.fig td { font-size: 9pt; border-bottom: 0.5px dotted #bbb; } table.fig td:last-child { text-align: right; }
.v { font-weight: bold; padding: 0 2mm; border: 1px solid; border-radius: 2px; font-size: 9pt; } .pass { color: #1b5e20; } .fail { color: #b71c1c; } .not-applicable { color: #555; } .inconclusive { color: #8a5a00; }
td.v { border: none; } table.reqs td.id { white-space: nowrap; font-size: 8.5pt; } table.kv, table.fig, .proc { break-inside: avoid; } h3 { break-after: avoid; } .id { font-family: "DejaVu Sans Mono", monospace; font-size: 9.5pt; }
section.req { border-top: 0.5px solid #999; padding-top: 3mm; margin-top: 4mm; }
figure { margin: 2mm 0; break-inside: avoid; } svg.plot { width: 100%; max-width: 165mm; display: block; margin: 0 auto; }
svg .pt { font-size: 13px; font-weight: bold; } svg .tk { font-size: 10px; } svg .al { font-size: 11px; } svg .lg { font-size: 11px; } svg .mk { font-size: 10px; fill: #b71c1c; }
.summary { font-size: 12pt; padding: 3mm; border: 1.5px solid; margin: 4mm 0; } .proc, .cfg, .notes { font-size: 9.5pt; } .cfg { color: #333; }
.meta td, .meta th { font-size: 9pt; padding: 0.6mm 2mm; } .meta th { width: 22%; font-weight: normal; color: #444; }
`;

export function renderHtml(report: Report): string {
  const s = report.summary;
  const rows = report.requirements.map((r, i) => `<tr><td>${i + 1}</td><td class="id">${esc(r.id)}</td><td>${esc(r.title)}</td><td>${esc(r.limitText)}</td><td>${esc(measuredText(r))}</td><td class="v ${r.verdict}">${verdictWord[r.verdict]}</td></tr>`).join('\n');
  const byGroup = Object.entries(groups).map(([g, name]) => {
    const list = report.requirements.map((r, i) => [r, i] as const).filter(([r]) => r.group === g);
    return list.length ? `<h2>${esc(name)}</h2>\n${list.map(([r, i]) => section(r, i + 1)).join('\n')}` : '';
  }).join('\n');
  const c = report.configuration, m = report.machine, sw = report.software;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fringe qualification report ${esc(report.started)}</title><style>${reportCss}</style></head>
<body>
<h1>Fringe — instrument qualification report</h1>
<table class="meta">
<tr><th>Software</th><td>fringe ${esc(sw.version)}${sw.commit ? ` (commit ${esc(sw.commit)})` : ''}, Node ${esc(sw.node)}</td></tr>
<tr><th>Machine</th><td>${esc(m.hostname)}: ${esc(m.cpus)}, ${m.cores} cores, ${m.memoryGiB} GiB, ${esc(m.platform)}/${esc(m.arch)}</td></tr>
<tr><th>Run</th><td>${esc(report.started)} to ${esc(report.finished)} (UTC); ${c.quick ? 'quick' : 'full'} suite, seed ${c.seed}${c.source ? `, source ${esc(c.source)}` : ', simulator and generated signals only'}${c.only ? `, only ${esc(c.only.join(' '))}` : ''}</td></tr>
<tr><th>Command</th><td class="id">${esc(c.command)}</td></tr>
</table>
<div class="summary ${s.verdict}"><b>${s.verdict === 'pass' ? 'PASS' : 'FAIL'}</b>: ${s.passed} of ${s.total} requirements met, ${s.failed} failed${s.notApplicable ? `, ${s.notApplicable} not applicable here` : ''}${s.inconclusive ? `, ${s.inconclusive} inconclusive (timed while the machine was busy: run again on an idle machine)` : ''}.${report.pending.length ? ` ${report.pending.length} named requirements are not measured yet (listed at the end).` : ''}</div>
<h2>Requirements</h2>
<table class="reqs"><tr><th>#</th><th>Id</th><th>Requirement</th><th>Limit</th><th>Measured</th><th>Verdict</th></tr>
${rows}
</table>
${byGroup}
${report.pending.length ? `<h2>Not measured yet</h2><table class="reqs"><tr><th>Id</th><th>Requirement</th><th>Why</th></tr>${report.pending.map((p) => `<tr><td class="id">${esc(p.id)}</td><td>${esc(p.title)}</td><td>${esc(p.why)}</td></tr>`).join('')}</table>` : ''}
<h2>Configuration</h2>
<p class="cfg">Every input is generated from the seed (${c.seed}) or read from the simulator's scenario files, so a run with the same software, seed and options measures the same signals. Limits are the same for the quick and the full suite; the full suite runs longer captures and more cases. This page was rendered from report.json alone (<span class="id">fringe qualify render report.json</span>).</p>
</body></html>
`;
}
