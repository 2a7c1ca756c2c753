/** `fringe observe` and `fringe record` without --freq tune off the HI line (offset tuning, issue 17); --freq is taken as given. */
import { describe, expect, it } from 'vitest';
import { parse as observeParse } from '../../../src/cli/commands/observe.ts';
import { parse as recordParse } from '../../../src/cli/commands/record.ts';

describe('CLI default tuning', () => {
  it('observe: an eighth of the rate below the line, at the rate asked for', () => {
    expect(observeParse([]).tuning).toMatchObject({ centerFrequency: 1_420_105_752, sampleRate: 2_400_000 });
    expect(observeParse(['--rate', '1.024M']).tuning).toMatchObject({ centerFrequency: 1_420_277_752, sampleRate: 1_024_000 });
    expect(observeParse(['--freq', '1420.405752M']).tuning.centerFrequency).toBe(1_420_405_752);
  });

  it('record: the same, whatever the order of --rate', () => {
    const base = ['--source', 'sim', '--seconds', '1', '--out', '/tmp/x.sigmf-meta'];
    expect(recordParse(base).tuning).toMatchObject({ centerFrequency: 1_420_105_752, sampleRate: 2_400_000 });
    expect(recordParse([...base, '--rate', '2.048M']).tuning).toMatchObject({ centerFrequency: 1_420_149_752, sampleRate: 2_048_000 });
    expect(recordParse(['--freq', '100M', ...base]).tuning.centerFrequency).toBe(100_000_000);
  });
});
