/**
 * A Yaesu GS-232A/B controller simulator: reads CR-terminated commands,
 * moves the mount, answers CR after every command, the position with CR LF
 * (`+0aaa+0eee` for the A, `AZ=aaa  EL=eee` for the B) and `?>` to anything
 * it does not know. Whole degrees, as the real controller.
 */
import { type Gs232Variant, decodeCommand, formatPosition } from './codec-gs232.ts';
import type { Mount } from './mount.ts';
import type { Responder } from './sim-serial.ts';

/** The GS-232 controller logic for `variant` 'a' or 'b', driving `mount`. */
export function gs232Responder(variant: Gs232Variant, mount: Mount): Responder {
  let line = '';
  const handle = (cmd: string, reply: (b: string) => void): void => {
    if (cmd.trim() === '') return;
    const c = decodeCommand(cmd);
    const p = mount.position();
    switch (c.op) {
      case 'goto':
        mount.gotoAxis('az', c.az);
        if (c.el !== undefined) mount.gotoAxis('el', c.el);
        return reply('\r');
      case 'read': {
        const full = formatPosition(variant, p.az, p.el);
        if (c.what === 'both') return reply(full);
        // C or B alone: the A answers +0aaa, the B AZ=aaa / EL=eee.
        const [az, el] = variant === 'a' ? [full.slice(0, 5), full.slice(5, 10)] : [full.slice(0, 6), full.slice(8, 14)];
        return reply(`${c.what === 'az' ? az : el}\r\n`);
      }
      case 'stop':
        mount.stop(c.axis);
        return reply('\r');
      case 'move':
        mount.run(c.dir);
        return reply('\r');
      case 'speed':
      case 'mode':
        return reply('\r');
      case 'invalid':
        return reply('?>\r');
    }
  };
  return {
    feed(chunk, reply) {
      for (const ch of chunk.toString('latin1')) {
        if (ch === '\r' || ch === '\n') {
          handle(line, reply);
          line = '';
        } else if (line.length < 64) line += ch;
      }
    },
  };
}
