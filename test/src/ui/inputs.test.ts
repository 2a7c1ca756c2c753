/** The UI's reading of specs and form fields: the boundary's rules (src/api/inputs.ts), with the API's words. */
import { describe, expect, it } from 'vitest';
import { groupMembers, isEndpointSpec, isSimulated, siteFromForm } from '../../../src/ui/inputs.ts';

describe('UI inputs', () => {
  it('reads groups and the simulator by the one grammar', () => {
    expect(groupMembers('group:sim:0,sim:1')).toEqual(['sim:0', 'sim:1']);
    expect(groupMembers('group:sim')).toBeNull(); // not a group the engine would open
    expect(isSimulated({ source: 'group:sim:0,sim:1', name: '', kind: 'group' })).toBe(true);
    expect(isSimulated({ source: 'group:sim:0,rtltcp:pi:1234', name: '', kind: 'group' })).toBe(false);
  });

  it('matches an rtl_tcp spec to its endpoint (default port 1234, IPv6 in brackets, host without case)', () => {
    expect(isEndpointSpec('rtltcp:Pi.local', 'pi.local:1234')).toBe(true);
    expect(isEndpointSpec('rtltcp:[::1]:7', '[::1]:7')).toBe(true);
    expect(isEndpointSpec('rtltcp:pi:1235', 'pi:1234')).toBe(false);
    expect(isEndpointSpec('sim', 'pi:1234')).toBe(false);
  });

  it('the site form: empty or non-numeric fields are named, not sent as 0 or null; NUL and ESC in the name refused', () => {
    expect(siteFromForm({ name: 'Home', lat: '', lon: '0', altitude: '0' })).toEqual({ problem: "latitude must be a number (got '')" });
    expect(siteFromForm({ name: 'Home', lat: '52', lon: 'east', altitude: '0' })).toEqual({ problem: "longitude must be a number (got 'east')" });
    expect(siteFromForm({ name: 'Ho\u001bme', lat: '52', lon: '0', altitude: '0' })).toMatchObject({ problem: expect.stringMatching(/the site name must be printable text/) });
    expect(siteFromForm({ name: ' Home ', lat: '52.1', lon: '-0.5', altitude: '10' })).toEqual({ value: { name: 'Home', lat: 52.1, lon: -0.5, altitude: 10 } });
  });
});
