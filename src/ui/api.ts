/**
 * The UI's only way to the station: typed calls and events of the contract
 * (src/api/contract.ts) over one of two transports carrying the same frames
 * (src/api/codec.ts): a WebSocket to `fringe serve` at /api, or the
 * MessagePort the Electron preload hands over. No Node modules here.
 */
import { decodeSpectrum } from '../api/codec.ts';
import type { ApiErrorReply, EventName, Events, MethodName, Params, Result } from '../api/contract.ts';
import type { ErrorCause } from '../api/types.ts';

/** A frame as both transports carry it: JSON text, or a binary spectrum. */
type Frame = string | ArrayBuffer;

/** What a transport does: send text, deliver frames, report open and close. */
export interface Transport {
  send(text: string): void;
  onFrame: (f: Frame) => void;
  onOpen: () => void;
  onClose: (reason: string) => void;
  close(): void;
}

/** A call the station refused or that failed (ApiErrorReply), or one that never reached it ('disconnected'). */
export class CallError extends Error {
  override name = 'CallError';
  constructor(
    readonly kind: ApiErrorReply['kind'] | 'disconnected',
    message: string,
    /** What went wrong underneath, as the station classified it. */
    override readonly cause: ErrorCause = 'unknown',
  ) {
    super(message);
  }
}

/** The Electron preload's bridge (electron/preload.ts), when the UI runs in the desktop app. */
interface FringeBridge {
  connect(): void;
}
declare global {
  interface Window {
    fringe?: FringeBridge;
  }
}

type Listener<E extends EventName> = (data: Events[E]) => void;

export type ConnectionState = 'connecting' | 'open' | 'closed';

export class StationClient {
  private next = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private listeners: { [E in EventName]: Set<Listener<E>> } = { spectrum: new Set(), status: new Set(), error: new Set(), rotator: new Set(), upload: new Set(), task: new Set(), schedule: new Set(), drift: new Set() };
  private stateListeners = new Set<(s: ConnectionState, why?: string) => void>();
  state: ConnectionState = 'connecting';
  private transport: Transport | null = null;
  private closing = false;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly open: () => Transport) {
    this.connect();
  }

  private connect(): void {
    const t = this.open();
    this.transport = t;
    t.onOpen = () => this.setState('open');
    t.onFrame = (f) => this.frame(f);
    t.onClose = (why) => {
      for (const p of this.pending.values()) p.reject(new CallError('disconnected', `lost the station: ${why}`));
      this.pending.clear();
      this.setState('closed', why);
      // Try again while the page is open: the station may be restarting.
      if (!this.closing) this.retry = setTimeout(() => this.connect(), 2000);
    };
  }

  private setState(s: ConnectionState, why?: string): void {
    this.state = s;
    for (const l of this.stateListeners) l(s, why);
  }

  onState(l: (s: ConnectionState, why?: string) => void): () => void {
    this.stateListeners.add(l);
    return () => this.stateListeners.delete(l);
  }

  /** Calls a method; rejects with CallError (kind, message) when the station refuses or fails. */
  call<M extends MethodName>(method: M, params: Params<M> = {} as Params<M>): Promise<Result<M>> {
    const id = this.next++;
    return new Promise<Result<M>>((resolve, reject) => {
      if (this.state !== 'open' || !this.transport) return reject(new CallError('disconnected', 'not connected to the station'));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.transport.send(JSON.stringify({ id, method, params }));
    });
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  close(): void {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    this.transport?.close();
  }

  private emit<E extends EventName>(event: E, data: Events[E]): void {
    for (const l of this.listeners[event] as Set<Listener<E>>) l(data);
  }

  private frame(f: Frame): void {
    if (typeof f !== 'string') {
      this.emit('spectrum', decodeSpectrum(new Uint8Array(f)));
      return;
    }
    const msg = JSON.parse(f) as { id?: number; result?: unknown; error?: Partial<ApiErrorReply> & { kind: ApiErrorReply['kind']; message: string }; event?: EventName; data?: unknown };
    if (msg.event) {
      this.emit(msg.event, msg.data as never);
    } else if (typeof msg.id === 'number' && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id)!;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new CallError(msg.error.kind, msg.error.message, msg.error.cause ?? 'unknown'));
      else p.resolve(msg.result);
    }
  }
}

/** The page's token (`?token=` in its address), when the station requires one. */
export function pageToken(): string | null {
  return new URLSearchParams(location.search).get('token');
}

export function webSocketTransport(url: string): Transport {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  const t: Transport = {
    send: (text) => ws.send(text),
    onFrame: () => {},
    onOpen: () => {},
    onClose: () => {},
    close: () => ws.close(),
  };
  ws.onopen = () => t.onOpen();
  ws.onmessage = (e) => t.onFrame(e.data as Frame);
  ws.onclose = (e) => t.onClose(e.reason || (e.code === 1006 ? 'the connection was refused or dropped' : `closed (${e.code})`));
  return t;
}

/** The Electron bridge: the preload posts a MessagePort to the page, which carries the same frames. */
export function messagePortTransport(bridge: FringeBridge): Transport {
  let port: MessagePort | null = null;
  const t: Transport = {
    send: (text) => port?.postMessage(text),
    onFrame: () => {},
    onOpen: () => {},
    onClose: () => {},
    close: () => port?.close(),
  };
  const receive = (e: MessageEvent) => {
    if (e.source !== window || e.data !== 'fringe:port' || !e.ports[0]) return;
    window.removeEventListener('message', receive);
    port = e.ports[0];
    port.onmessage = (m) => {
      const d = m.data as Frame | { closed: string };
      if (typeof d === 'object' && d !== null && 'closed' in d) t.onClose(d.closed);
      else t.onFrame(d);
    };
    port.start();
    t.onOpen();
  };
  window.addEventListener('message', receive);
  bridge.connect();
  return t;
}

/** The station this page belongs to: the desktop bridge when present, else the server that served the page. */
export function connectStation(): StationClient {
  if (window.fringe) return new StationClient(() => messagePortTransport(window.fringe!));
  const token = pageToken();
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${proto}//${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new StationClient(() => webSocketTransport(url));
}

/** Where the browser downloads an export from (same origin as the page; token when needed), or null in the desktop app. */
export function downloadUrl(id: number, format: 'fits' | 'csv', kind?: 'power' | 'spectrum'): string | null {
  if (window.fringe) return null;
  const q = new URLSearchParams({ id: String(id), format, ...(kind ? { kind } : {}) });
  const token = pageToken();
  if (token) q.set('token', token);
  return `/api/download?${q}`;
}
