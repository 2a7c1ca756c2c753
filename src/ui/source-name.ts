/** How the Station page names the source in use: its name, then the spec to type for it (the CLI's --source), without saying "sim" twice. */

/** "simulator, antenna 0 (dish)" for the simulator's "sim: antenna 0 (dish)"; other names as they are. */
export function sourceName(name: string): string {
  return name.replace(/^sim: /, 'simulator, ');
}

/** The in-use line: "simulator, antenna 0 (dish) · spec sim". */
export function inUseText(live: { name: string; source: string }): string {
  return `${sourceName(live.name)} · spec ${live.source}`;
}

/** The name the station starts with until a site is saved (src/engine/settings.ts). */
export const defaultSiteSuffix = ' (default site)';

export function isDefaultSite(site: { name: string } | null | undefined): boolean {
  return !!site && site.name.endsWith(defaultSiteSuffix);
}
