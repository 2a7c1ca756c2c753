/** Comparing two qualification reports: better and worse by the margin to the limit, whichever way the limit points. */
import { describe, expect, it } from 'vitest';
import type { QualificationReport, QualificationResult } from '../../../src/api/types.ts';
import { compareReports, margin, measuredText } from '../../../src/ui/qualification.ts';

const req = (id: string, limit: QualificationResult['limit'], measured: number | null, verdict: QualificationResult['verdict'] = 'pass'): QualificationResult => ({
  id, title: id, group: 'correlator', limit, limitText: '', unit: 'dB', method: 'test', procedure: '', measured, sigma: null, verdict, figures: {}, plots: [], config: {}, notes: [], seconds: 0,
});
const report = (requirements: QualificationResult[]) => ({ requirements }) as unknown as QualificationReport;

describe('compareReports', () => {
  it('lower is better under a maximum, higher above a minimum, nearer the middle of a range', () => {
    expect(margin(req('a', { max: -20 }, -25))).toBe(5);
    expect(margin(req('a', { min: 2 }, 4))).toBe(2);
    expect(margin(req('a', { min: -3, max: 3 }, 2.5))).toBe(0.5);
    const a = report([req('MAX', { max: -20 }, -25), req('MIN', { min: 2 }, 4), req('RANGE', { min: -3, max: 3 }, 2.5), req('SAME', { max: 1 }, 0.5), req('GONE', { max: 1 }, 0)]);
    const b = report([req('MAX', { max: -20 }, -22), req('MIN', { min: 2 }, 8), req('RANGE', { min: -3, max: 3 }, -0.5), req('SAME', { max: 1 }, 0.5), req('NEW', { max: 1 }, 0)]);
    expect(compareReports(a, b).map((r) => `${r.id}:${r.change}`)).toEqual(['MAX:worse', 'MIN:better', 'RANGE:better', 'SAME:same', 'GONE:only A', 'NEW:only B']);
  });
  it('a requirement without a value is compared by verdict only', () => {
    const a = report([req('GPU', { max: 1e-4 }, null, 'not-applicable')]);
    expect(compareReports(a, a)[0]!.change).toBe('same');
    expect(compareReports(a, report([req('GPU', { max: 1e-4 }, 3e-7)]))[0]!.change).toBe('not comparable');
    expect(measuredText(a.requirements[0]!)).toBe('n/a');
    expect(measuredText({ ...req('x', { max: 1 }, 3.4567e-7), sigma: 1e-8 })).toBe('3.46e-7 ± 1.00e-8 dB');
  });
});
