/**
 * The two grammars devices/ itself reads from the outside: source specs and
 * HOST:PORT. Pure (no Node modules): src/api/inputs.ts re-exports them, so
 * the CLI, the API, the UI and open.ts share one grammar and one message per
 * mistake. They live here, not in src/api, because devices/ never imports src/.
 *
 *   rtlsdr[:INDEX]        a dongle by librtlsdr index (0–999, no leading zeros)
 *   rtlsdr:SERIAL         a dongle by USB serial (anything not a small index,
 *                         or rtlsdr:serial=SERIAL to be explicit, e.g. for "00000001")
 *   rtltcp:HOST[:PORT]    an rtl_tcp server (port 1234 by default; IPv6 as [::1]:1234)
 *   file:PATH             a SigMF recording (.sigmf-meta), a group's SigMF collection (.sigmf-collection) or raw cu8 file
 *   sim[:ANTENNA]         the simulated sky, antenna 0 by default (0–999)
 *   group:SPEC,SPEC[,…]   a coherent group of 2–8 of the above (no group in a group)
 */
import { DeviceError } from '../errors.ts';

export type SourceSpec =
  | { kind: 'rtlsdr'; device: number | string }
  | { kind: 'rtltcp'; host: string; port: number }
  | { kind: 'file'; path: string }
  | { kind: 'sim'; antenna: number }
  | { kind: 'group'; members: Exclude<SourceSpec, { kind: 'group' }>[] };

export const sourceSpecHelp = 'sim[:ANTENNA] | rtlsdr:INDEX | rtlsdr:SERIAL | rtltcp:HOST:PORT | file:PATH | group:SPEC,SPEC[,…]';

/** Most inputs a group takes (the correlator's and the UI's limit for interferometers). */
export const maxGroupMembers = 8;

/** Longest source spec taken (characters): eight members with paths or host names. */
export const maxSourceSpecLength = 2048;

/** rtl_tcp's port when a spec gives none (osmocom rtl_tcp.c). */
export const defaultRtlTcpPort = 1234;

/** Control characters (C0, DEL, C1) and the Unicode line/paragraph separators: never part of a name, path or address. */
export const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A malformed source spec: a DeviceError 'invalid' whose `reason` is the mistake alone (the API frames it its own way). */
export class SourceSpecError extends DeviceError {
  constructor(
    readonly spec: string,
    readonly reason: string,
  ) {
    super('invalid', `Source '${printable(spec)}': ${reason}. Write one of ${sourceSpecHelp}.`);
  }
}

function invalid(spec: string, why: string): SourceSpecError {
  return new SourceSpecError(spec, why);
}

/** Text as it may be echoed in a message: control characters shown as \uXXXX, at most 80 characters. */
export function printable(text: string): string {
  const shown = text.replace(new RegExp(controlCharacters.source, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > 80 ? `${shown.slice(0, 77)}…` : shown;
}

/**
 * A host as rtl_tcp and rotctld take it: a DNS name or IPv4 address (letters,
 * digits, '.', '-'; 253 characters at most, RFC 1123), or an IPv6 address in
 * brackets. The brackets are kept; `hostOf` takes them off.
 */
const hostPattern = String.raw`\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?`;
const endpointPattern = new RegExp(`^(${hostPattern}):(\\d{1,5})$`);
const hostOnlyPattern = new RegExp(`^(${hostPattern})$`);

/** A port from its digits, or null when outside 1–65535 (0 only where `allowZero`: listen on any free port). */
function portNumber(digits: string, allowZero: boolean): number | null {
  const port = Number(digits);
  return port >= (allowZero ? 0 : 1) && port <= 65535 ? port : null;
}

/**
 * What is wrong with HOST:PORT as typed (a host name or IPv4 address, or IPv6
 * in brackets; port 1–65535), or null when it is fine. `what` names the
 * address in the message ("an rtl_tcp endpoint").
 */
export function hostPortProblem(text: string, what = 'HOST:PORT', opts: { allowZeroPort?: boolean } = {}): string | null {
  const m = endpointPattern.exec(text.trim());
  if (!m) return `'${printable(text)}' is not ${what}: write HOST:PORT, e.g. 192.168.1.20:1234 or [::1]:1234`;
  if (portNumber(m[2]!, opts.allowZeroPort ?? false) === null) {
    return `port ${m[2]} of '${text.trim()}' is not ${opts.allowZeroPort ? '0' : '1'}–65535${opts.allowZeroPort ? ' (0: any free port)' : ''}`;
  }
  return null;
}

/** Host and port of HOST:PORT (brackets off an IPv6 host); throws DeviceError 'invalid' with hostPortProblem's message. */
export function parseHostPort(text: string, what = 'HOST:PORT', opts: { allowZeroPort?: boolean } = {}): { host: string; port: number } {
  const problem = hostPortProblem(text, what, opts);
  if (problem) throw new DeviceError('invalid', problem);
  const m = endpointPattern.exec(text.trim())!;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/**
 * An address where the port, the host or both may be left out: HOST:PORT,
 * HOST (the default port) or PORT (the default host), as rotctld's --port
 * and rtltcp:HOST take them. Throws DeviceError 'invalid' with hostPortProblem's message.
 */
export function parseAddress(text: string, defaults: { host: string; port: number }, what = 'HOST:PORT'): { host: string; port: number } {
  const t = text.trim();
  if (/^\d{1,5}$/.test(t)) {
    const port = portNumber(t, false);
    if (port === null) throw new DeviceError('invalid', `port ${t} is not 1–65535`);
    return { host: defaults.host, port };
  }
  if (hostOnlyPattern.test(t)) return { host: t.replace(/^\[|\]$/g, ''), port: defaults.port };
  return parseHostPort(t, what);
}

/** Parses a source spec. Throws DeviceError 'invalid' saying what is wrong and what forms are accepted. */
export function parseSourceSpec(spec: string): SourceSpec {
  if (typeof spec !== 'string' || spec === '') throw invalid(String(spec ?? ''), 'the spec is empty');
  if (spec.length > maxSourceSpecLength) throw invalid(spec, `it is longer than ${maxSourceSpecLength} characters`);
  if (controlCharacters.test(spec)) throw invalid(spec, 'it contains a control character');
  return parseOne(spec, true);
}

function parseOne(spec: string, groupAllowed: boolean): SourceSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  if (kind !== 'file' && /\s/.test(spec)) throw invalid(spec, 'it contains a space');
  switch (kind) {
    case 'rtlsdr': {
      if (colon >= 0 && rest === '') throw invalid(spec, 'the index or serial is empty');
      if (rest === '') return { kind, device: 0 };
      if (rest.startsWith('serial=')) {
        const serial = rest.slice(7);
        if (!serial) throw invalid(spec, 'the serial is empty');
        return { kind, device: serial };
      }
      // A small decimal without leading zeros is an index; anything else a serial.
      return { kind, device: /^(0|[1-9]\d{0,2})$/.test(rest) ? Number(rest) : rest };
    }
    case 'rtltcp': {
      if (rest === '') throw invalid(spec, 'expected rtltcp:HOST or rtltcp:HOST:PORT');
      if (hostOnlyPattern.test(rest)) return { kind, host: rest.replace(/^\[|\]$/g, ''), port: defaultRtlTcpPort };
      const m = endpointPattern.exec(rest);
      if (!m) throw invalid(spec, 'expected rtltcp:HOST or rtltcp:HOST:PORT (a host name, IPv4 address or [IPv6] address)');
      const port = portNumber(m[2]!, false);
      if (port === null) throw invalid(spec, `port ${m[2]} is not 1–65535`);
      return { kind, host: m[1]!.replace(/^\[|\]$/g, ''), port };
    }
    case 'file':
      if (!rest) throw invalid(spec, 'the path is empty');
      return { kind, path: rest };
    case 'group': {
      if (!groupAllowed) throw invalid(spec, `a group cannot contain a group: its 2–${maxGroupMembers} members are single sources`);
      const parts = rest.split(',');
      if (parts.length < 2 || parts.length > maxGroupMembers) throw invalid(spec, `a group has 2–${maxGroupMembers} members separated by commas`);
      const members = parts.map((p) => parseOne(p, false));
      return { kind, members: members as Exclude<SourceSpec, { kind: 'group' }>[] };
    }
    case 'sim': {
      if (colon < 0) return { kind, antenna: 0 };
      if (!/^(0|[1-9]\d{0,2})$/.test(rest)) throw invalid(spec, `antenna '${rest}' is not a number from 0 to 999`);
      return { kind, antenna: Number(rest) };
    }
    default:
      throw invalid(spec, `unknown kind '${kind}'`);
  }
}

/** The spec written back in its canonical form (what parseSourceSpec reads as the same source). */
export function formatSourceSpec(s: SourceSpec): string {
  switch (s.kind) {
    case 'rtlsdr':
      return typeof s.device === 'number' ? `rtlsdr:${s.device}` : /^(0|[1-9]\d{0,2})$/.test(s.device) || s.device.startsWith('serial=') ? `rtlsdr:serial=${s.device}` : `rtlsdr:${s.device}`;
    case 'rtltcp':
      return `rtltcp:${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`;
    case 'file':
      return `file:${s.path}`;
    case 'sim':
      return `sim:${s.antenna}`;
    case 'group':
      return `group:${s.members.map(formatSourceSpec).join(',')}`;
  }
}
