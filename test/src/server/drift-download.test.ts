/** GET /api/drift-report's query, checked (src/server/drift-download.ts); the route end to end is in test/e2e/drift.test.ts. */
import { describe, expect, it } from 'vitest';
import { parseDriftReport } from '../../../src/server/drift-download.ts';

const q = (s: string) => parseDriftReport(new URLSearchParams(s));

describe('parseDriftReport', () => {
  it('takes an observation number and html, csv or pdf (and the page token)', () => {
    expect(q('id=3&format=pdf')).toEqual({ ok: true, id: 3, format: 'pdf' });
    expect(q('id=12&format=csv&token=abc')).toEqual({ ok: true, id: 12, format: 'csv' });
  });
  it('refuses, naming the parameter and what it takes', () => {
    expect(q('format=html')).toMatchObject({ ok: false, status: 400, reason: expect.stringMatching(/parameter 'id' must be a drift observation's number/) });
    expect(q('id=0&format=html')).toMatchObject({ ok: false, reason: expect.stringMatching(/'id'.*not '0'/) });
    expect(q('id=3')).toMatchObject({ ok: false, reason: expect.stringMatching(/'format' must be html, csv or pdf, not ''/) });
    expect(q('id=3&format=fits')).toMatchObject({ ok: false, reason: expect.stringMatching(/not 'fits'/) });
    expect(q('id=3&format=html&kind=power')).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown parameter 'kind'/) });
  });
});
