/**
 * An Easycomm II controller simulator: reads space/CR/LF separated tokens,
 * moves the mount on `AZx ELy`, answers bare `AZ`/`EL` queries with
 * `AZaaa.a ELee.e` (one decimal) once the line ends, stops on `SA`/`SE`,
 * runs on `ML MR MU MD`, answers `VE` with its version. Unknown tokens are
 * ignored (Easycomm II has no error reply).
 */
import { fixed } from './codec.ts';
import { decodeToken } from './codec-easycomm.ts';
import type { Mount } from './mount.ts';
import type { Responder } from './sim-serial.ts';

/** The Easycomm II controller logic driving `mount`. */
export function easycommResponder(mount: Mount): Responder {
  let token = '';
  let queries: ('az' | 'el' | 've')[] = [];
  const endToken = (): void => {
    if (token === '') return;
    const c = decodeToken(token);
    token = '';
    if (c.op === 'set') mount.gotoAxis(c.axis, c.value);
    else if (c.op === 'query') queries.push(c.axis);
    else if (c.op === 'stop') mount.stop(c.axis);
    else if (c.op === 'move') mount.run(({ left: 'ccw', right: 'cw', up: 'up', down: 'down' } as const)[c.dir]);
    else if (c.op === 'version') queries.push('ve');
  };
  return {
    feed(chunk, reply) {
      for (const ch of chunk.toString('latin1')) {
        if (ch === ' ') endToken();
        else if (ch === '\r' || ch === '\n') {
          endToken();
          const p = mount.position();
          const parts = queries.map((a) => (a === 'az' ? `AZ${fixed(p.az, 1)}` : a === 'el' ? `EL${fixed(p.el, 1)}` : 'VE1.0'));
          if (parts.length > 0) reply(`${parts.join(' ')}\n`);
          queries = [];
        } else if (token.length < 32) token += ch;
      }
    },
  };
}
