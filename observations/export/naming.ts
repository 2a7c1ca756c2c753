/**
 * The one naming scheme for an observation's exported files, uploads and
 * downloads alike: `fringe-ID-YYYYMMDDTHHMMSSZ[-KIND].EXT`, the observation's
 * id and its start (UTC, to the second). The start makes the name unique to
 * the observation even across data folders, so two observations never
 * collide at an upload target. e-CALLISTO files keep the network's own
 * `STATION_YYYYMMDD_HHMMSS_FC.fit` (callisto.ts).
 */
import type { Observation } from '../store/types.ts';

/** File extension of each non-e-CALLISTO format. */
export const exportExtensions = { fits: 'fits', sigmf: 'sigmf', csv: 'csv', uvfits: 'uvfits', spd: 'spd' } as const;

/** Unix s → `YYYYMMDDTHHMMSSZ` (ISO 8601 basic format, UTC, whole seconds). */
export function compactUtc(unix: number): string {
  return new Date(Math.floor(unix) * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The file name of an observation's export, e.g. `fringe-17-20261203T142233Z.fits`;
 * `kind` (a CSV's `power` or `spectrum`) goes before the extension.
 */
export function exportFileName(obs: Pick<Observation, 'id' | 'start'>, format: keyof typeof exportExtensions, kind?: string): string {
  return `fringe-${obs.id}-${compactUtc(obs.start)}${kind ? `-${kind}` : ''}.${exportExtensions[format]}`;
}
