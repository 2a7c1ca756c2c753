import { describe, expect, it } from 'vitest';
import { compactUtc, exportFileName } from '../../../observations/export/naming.ts';

describe('export file names', () => {
  it('carry the id and the start (UTC, whole seconds), so a reused id never collides at a target', () => {
    const start = Date.UTC(2026, 11, 3, 14, 22, 33, 900) / 1000;
    expect(compactUtc(start)).toBe('20261203T142233Z');
    expect(exportFileName({ id: 17, start }, 'fits')).toBe('fringe-17-20261203T142233Z.fits');
    expect(exportFileName({ id: 3, start }, 'csv', 'spectrum')).toBe('fringe-3-20261203T142233Z-spectrum.csv');
    expect(exportFileName({ id: 1, start: 100 }, 'sigmf')).not.toBe(exportFileName({ id: 1, start: 101 }, 'sigmf'));
  });
});
