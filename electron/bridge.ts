/**
 * Carries the API between a renderer's MessagePort and the engine's
 * WebSocket, frame for frame: JSON text both ways, binary spectrum frames
 * (src/api/codec.ts) engine → renderer as ArrayBuffers. The renderer may
 * send only text (calls); anything else is dropped. When either side closes
 * the other is closed, and the renderer is told why.
 */
import WebSocket from 'ws';

/** The little the bridge needs of a port (Electron's MessagePortMain, or a test's stand-in). */
export interface PortLike {
  post(data: string | ArrayBuffer | { closed: string }): void;
  onMessage(listener: (data: unknown) => void): void;
  onClose(listener: () => void): void;
  close(): void;
}

export function bridge(apiUrl: string, port: PortLike): { close(): void } {
  const ws = new WebSocket(apiUrl);
  const queued: string[] = [];
  let open = false, done = false;
  const finish = (why: string) => {
    if (done) return;
    done = true;
    port.post({ closed: why });
    port.close();
    ws.terminate();
  };
  ws.on('open', () => {
    open = true;
    for (const q of queued.splice(0)) ws.send(q);
  });
  ws.on('message', (data, binary) => {
    const buf = data as Buffer;
    if (binary) port.post(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    else port.post(buf.toString('utf8'));
  });
  ws.on('unexpected-response', (_req, res) => finish(`the station refused the connection (HTTP ${res.statusCode})`));
  ws.on('error', (e) => finish(`the station's API failed: ${e.message}`));
  ws.on('close', (code) => finish(`the station closed the connection (${code})`));
  port.onMessage((d) => {
    if (typeof d !== 'string' || done) return;
    if (open) ws.send(d);
    else queued.push(d);
  });
  port.onClose(() => {
    done = true;
    ws.terminate();
  });
  return { close: () => finish('closed by the shell') };
}
