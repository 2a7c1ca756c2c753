/**
 * One RPC message over the WebSocket, from the frame a client sent to the
 * JSON text of the reply. A call is a JSON object `{ id, method, params }`;
 * anything else (null, an array, a number, a string, an id of another type,
 * a binary frame) is answered with the contract's typed `bad-request` error
 * saying what a call looks like, never with an internal error's text.
 */
import { ApiError } from '../api/contract.ts';
import { errorCause } from '../api/errors.ts';

/** The largest message a client may send (bytes); a longer one closes the connection with 1009. */
export const maxPayload = 1 << 20;
/** The longest string id a client may give a call (characters). */
export const maxIdLength = 200;

/** What a call's id may be: echoed back in the reply so the client can match it. */
export type CallId = string | number | null;

const shape = 'a call is a JSON object {"id": number or string, "method": "name", "params": {…}}';

/** Reads a call from a frame; throws ApiError('bad-request') with the id when one could be read. */
export function parseCall(raw: Buffer, binary: boolean): { id: CallId; method: string; params: unknown } {
  if (binary) throw new CallError(null, 'calls are JSON text frames, not binary');
  let msg: unknown;
  try {
    msg = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new CallError(null, `not JSON (${(err as Error).message}); ${shape}`);
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) throw new CallError(null, `got ${describe(msg)}; ${shape}`);
  const m = msg as Record<string, unknown>;
  const id = m.id ?? null;
  if (!(id === null || (typeof id === 'number' && Number.isFinite(id)) || (typeof id === 'string' && id.length <= maxIdLength))) {
    throw new CallError(null, `"id" must be a number or a string of at most ${maxIdLength} characters, not ${describe(id)}`);
  }
  if (typeof m.method !== 'string') throw new CallError(id as CallId, `"method" must be a string naming a method, not ${describe(m.method)}; ${shape}`);
  if (m.method.length > 100) throw new CallError(id as CallId, `unknown method '${m.method.slice(0, 40)}…' (${m.method.length} characters)`);
  return { id: id as CallId, method: m.method, params: m.params };
}

/** The JSON reply to one frame: `{id, result}` or `{id, error: {kind, message, cause}}`. */
export async function answer(call: (method: string, params: unknown) => Promise<unknown>, raw: Buffer, binary: boolean): Promise<string> {
  let id: CallId = null;
  try {
    const c = parseCall(raw, binary);
    id = c.id;
    return JSON.stringify({ id, result: (await call(c.method, c.params)) ?? null });
  } catch (err) {
    if (err instanceof CallError) id = err.id;
    // The typed error with what went wrong underneath (errors.ts), never a bare internal text.
    const error = err instanceof ApiError ? err.reply() : { kind: 'failed', message: err instanceof Error ? err.message : String(err), cause: errorCause(err) };
    return JSON.stringify({ id, error });
  }
}

class CallError extends ApiError {
  constructor(
    readonly id: CallId,
    message: string,
  ) {
    super('bad-request', message);
  }
}

/** How a JSON value is named in a message: its type, and a short value for scalars. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}
