/**
 * The station's own settings (site, rtl_tcp endpoints, simulator scenario),
 * kept as JSON beside the database in the data folder and written atomically
 * (a temporary file renamed into place), so a crash never leaves half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSite, type Site } from '../astro/site.ts';
import { antennaPositions, antennasProblem, endpointProblem, siteProblem } from '../api/inputs.ts';
import type { AntennaPosition } from '../../observations/store/types.ts';

export interface StationSettings {
  site: Site;
  /** rtl_tcp servers to offer as sources, as HOST:PORT. */
  rtlTcpEndpoints: string[];
  /** Simulator scenario: a built-in one's name (devices/sim/scenarios/NAME.json), or a scenario file's path; null for the default station. */
  scenario: string | null;
  /** The antennas of a group by input number (east, north, up m from the site); [] when not set. Simulated groups use their scenario's. */
  antennas: AntennaPosition[];
}

/** A newcomer's station until they say where they are: Greenwich, so the sun is somewhere sensible. */
export const defaultSettings: StationSettings = {
  site: { name: 'Greenwich (default site)', lat: 51.4769, lon: 0, altitude: 46 },
  rtlTcpEndpoints: [],
  scenario: null,
  antennas: [],
};

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export function settingsPath(dataDir: string): string {
  return join(dataDir, 'station.json');
}

/** Reads the settings, or the defaults when there are none yet. A damaged file is an error naming it, not silently replaced. */
export function loadSettings(dataDir: string): StationSettings {
  const path = settingsPath(dataDir);
  if (!existsSync(path)) return structuredClone(defaultSettings);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SettingsError(`${path} is not valid JSON (${(err as Error).message}); fix it or delete it to start from the defaults`, { cause: err });
  }
  return checkSettings(raw, path);
}

export function checkSettings(raw: unknown, where: string): StationSettings {
  const o = (raw ?? {}) as Partial<StationSettings>;
  const endpoints = o.rtlTcpEndpoints ?? [];
  if (!Array.isArray(endpoints) || endpoints.some((e) => typeof e !== 'string')) {
    throw new SettingsError(`${where}: rtlTcpEndpoints must be a list of HOST:PORT strings`);
  }
  for (const e of endpoints as string[]) {
    const problem = endpointProblem(e);
    if (problem) throw new SettingsError(`${where}: rtlTcpEndpoints: ${problem}`);
  }
  if (o.scenario !== undefined && o.scenario !== null && typeof o.scenario !== 'string') {
    throw new SettingsError(`${where}: scenario must be a built-in scenario's name, a scenario file's path, or null`);
  }
  const antennasWrong = antennasProblem(o.antennas ?? []);
  if (antennasWrong) throw new SettingsError(`${where}: antennas: ${antennasWrong}`);
  const siteWrong = siteProblem(o.site ?? defaultSettings.site);
  if (siteWrong) throw new SettingsError(`${where}: site: ${siteWrong}`);
  try {
    return { site: validateSite(o.site ?? defaultSettings.site), rtlTcpEndpoints: endpoints, scenario: o.scenario ?? null, antennas: antennaPositions.parse(o.antennas ?? []) };
  } catch (err) {
    throw new SettingsError(`${where}: ${(err as Error).message}`, { cause: err });
  }
}

export function saveSettings(dataDir: string, settings: StationSettings): void {
  const path = settingsPath(dataDir);
  const checked = checkSettings(settings, 'settings');
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(checked, null, 2) + '\n');
  renameSync(temp, path);
}

/** The endpoint list with `text` (HOST:PORT) added; refuses a malformed, listed or 33rd one with the reason. */
export function withEndpoint(list: readonly string[], text: string, problem: string | null): string[] {
  if (problem) throw new SettingsError(problem);
  const endpoint = text.trim();
  if (list.some((e) => e.toLowerCase() === endpoint.toLowerCase())) throw new SettingsError(`${endpoint} is already listed`);
  if (list.length >= 32) throw new SettingsError('32 rtl_tcp endpoints are listed already: remove one first');
  return [...list, endpoint];
}

/** The endpoint list without `text`; refuses one that is not listed. */
export function withoutEndpoint(list: readonly string[], text: string): string[] {
  const endpoint = text.trim();
  if (!list.some((e) => e.toLowerCase() === endpoint.toLowerCase())) throw new SettingsError(`${endpoint} is not in the list of rtl_tcp endpoints`);
  return list.filter((e) => e.toLowerCase() !== endpoint.toLowerCase());
}
