/**
 * Where Fringe keeps its data: a folder holding the database (`fringe.db`),
 * raw recordings (`recordings/`), exports (`exports/`) and, in a separate
 * file, upload credentials (`targets.json`, mode 0600).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { check } from './errors.ts';

/** The file names inside a data folder. */
export const dataFiles = {
  database: 'fringe.db',
  recordings: 'recordings',
  exports: 'exports',
  targets: 'targets.json',
  /** The station's settings (src/engine/settings.ts). */
  settings: 'station.json',
  /** Disk space the store keeps for closing recordings on a full disk (store/reserve.ts). */
  reserve: 'reserve',
} as const;

/**
 * The platform's per-user data folder for Fringe: Linux and other Unixes
 * `$XDG_DATA_HOME/fringe` or `~/.local/share/fringe`; macOS
 * `~/Library/Application Support/Fringe`; Windows `%APPDATA%\Fringe`.
 */
export function defaultDataDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Fringe');
  }
  if (platform === 'darwin') {
    return join(home, 'Library', 'Application Support', 'Fringe');
  }
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  if (xdg && xdg.startsWith('/')) return join(xdg, 'fringe');
  return join(home, '.local', 'share', 'fringe');
}

/** The data folder to use: an explicit `--db DIR`, else FRINGE_DATA_DIR, else the platform default. */
export function resolveDataDir(explicit?: string, env: Record<string, string | undefined> = process.env): string {
  if (explicit !== undefined) {
    check(explicit.trim() !== '', '--db needs a folder path');
    return explicit;
  }
  if (env.FRINGE_DATA_DIR) return env.FRINGE_DATA_DIR;
  return defaultDataDir(env);
}
