import { describe, expect, it } from 'vitest';
import { ObservationError } from '../../observations/errors.ts';
import { defaultDataDir, resolveDataDir } from '../../observations/paths.ts';

describe('data folder', () => {
  it('follows each platform’s convention for per-user data', () => {
    expect(defaultDataDir({}, 'linux', '/home/ann')).toBe('/home/ann/.local/share/fringe');
    expect(defaultDataDir({ XDG_DATA_HOME: '/data/x' }, 'linux', '/home/ann')).toBe('/data/x/fringe');
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/ann')).toBe('/home/ann/.local/share/fringe');
    expect(defaultDataDir({}, 'darwin', '/Users/ann')).toBe('/Users/ann/Library/Application Support/Fringe');
    expect(defaultDataDir({ APPDATA: 'C:/Users/ann/AppData/Roaming' }, 'win32', 'C:/Users/ann')).toMatch(/AppData[\\/]Roaming[\\/]Fringe$/);
  });

  it('takes --db over FRINGE_DATA_DIR over the default', () => {
    expect(resolveDataDir('/a', { FRINGE_DATA_DIR: '/b' })).toBe('/a');
    expect(resolveDataDir(undefined, { FRINGE_DATA_DIR: '/b' })).toBe('/b');
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/x' })).toMatch(/fringe$|Fringe$/);
    expect(() => resolveDataDir('  ', {})).toThrow(ObservationError);
  });
});
