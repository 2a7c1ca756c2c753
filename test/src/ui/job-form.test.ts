/** The Schedule page's add-job form (src/ui/pages/jobForm.ts): the request each set of fields makes, and its problems in words. */
import { describe, expect, it } from 'vitest';
import { blankJobForm, jobRequest, startText, type JobForm } from '../../../src/ui/pages/jobForm.ts';

const form = (o: Partial<JobForm>): JobForm => ({ ...blankJobForm, ...o });

describe('the add-job form', () => {
  it('makes each start kind the API reads', () => {
    expect(startText({ startKind: 'in', start: ' 90 ', riseEl: '' })).toBe('in:90');
    expect(startText({ startKind: 'at', start: '2026-12-04T22:00:00Z', riseEl: '' })).toBe('2026-12-04T22:00:00Z');
    expect(startText({ startKind: 'transit', start: 'sun', riseEl: '' })).toBe('transit:sun');
    expect(startText({ startKind: 'lst', start: '21:00', riseEl: '' })).toBe('lst:21:00');
    expect(startText({ startKind: 'rise', start: 'Cyg A', riseEl: '' })).toBe('rise:Cyg A');
    expect(startText({ startKind: 'rise', start: 'Cyg A', riseEl: '25' })).toBe('rise:Cyg A:25');
  });

  it('a drift at every transit of the sun, with its constraints and post-job command', () => {
    const r = jobRequest(form({ mode: 'drift', target: 'sun', startKind: 'transit', start: 'sun', duration: '14400', repeat: 'transit', minElevation: '10', sunAvoidance: '', scenario: 'sun-drift', post: 'echo $FRINGE_JOB_ID', frequency: '1420.4', channels: '256', integration: '2' }));
    expect(r).toEqual({
      survey: false,
      spec: { mode: 'drift', source: 'sim', target: 'sun', start: 'transit:sun', duration: 14400, repeat: 'transit', minElevation: 10, scenario: 'sun-drift', post: 'echo $FRINGE_JOB_ID', frequency: 1_420_400_000, channels: 256, integration: 2 },
    });
  });

  it('an HI plane survey: spectrum jobs along l, no target', () => {
    const r = jobRequest(form({ mode: 'survey', target: 'ignored', startKind: 'lst', start: '21:00', duration: '600', lFrom: '30', lTo: '90', lStep: '10', b: '0', sunAvoidance: '30' }));
    expect(r).toEqual({ survey: true, spec: { mode: 'spectrum', source: 'sim', start: 'lst:21:00', duration: 600, repeat: 'none', survey: { from: 30, to: 90, step: 10, b: 0 }, sunAvoidance: 30 } });
  });

  it('says what is wrong', () => {
    expect(jobRequest(form({ startKind: 'at', start: 'tonight' }))).toEqual({ problem: expect.stringMatching(/^Start must be an ISO 8601 time .*\(got 'tonight'\)/) });
    expect(jobRequest(form({ startKind: 'lst', start: '25:00' }))).toEqual({ problem: expect.stringMatching(/^Start lst:HH:MM\[:SS\] needs a sidereal time/) });
    expect(jobRequest(form({ duration: '' }))).toEqual({ problem: 'Duration: give the job’s length in seconds' });
    expect(jobRequest(form({ duration: '-5' }))).toEqual({ problem: "Duration must be seconds above 0 (got '-5')" });
    expect(jobRequest(form({ minElevation: '95' }))).toEqual({ problem: "Min elevation must be degrees from −90 to 90 (got '95')" });
    expect(jobRequest(form({ sunAvoidance: 'far' }))).toEqual({ problem: "Sun avoidance must be degrees from 0 to 180 (got 'far')" });
    expect(jobRequest(form({ channels: '10.5' }))).toEqual({ problem: "Channels must be a whole number of channels (got '10.5')" });
    expect(jobRequest(form({ mode: 'survey', lFrom: '90', lTo: '30' }))).toEqual({ problem: 'l to (30) must be at least l from (90)' });
    expect(jobRequest(form({ mode: 'survey', lStep: '' }))).toEqual({ problem: 'An HI plane survey needs l from, to and step (degrees)' });
    expect(jobRequest(form({ scenario: 'My Scenario' }))).toEqual({ problem: expect.stringMatching(/^scenario: scenario must be a built-in scenario name/) });
  });
});
