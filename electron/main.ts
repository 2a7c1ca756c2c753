/**
 * The desktop shell, kept thin: starts the engine (electron/engine.ts),
 * opens one window on the built UI, and hands the window a MessagePort that
 * carries the API (electron/bridge.ts). The renderer gets nothing else: no
 * Node, no Electron, contextIsolation and sandbox on, a strict CSP, no
 * navigation, no new windows. Bundled to dist/electron/ by electron/start.ts.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { app, BrowserWindow, ipcMain, MessageChannelMain, protocol, type MessagePortMain } from 'electron';
import { bridge, type PortLike } from './bridge.ts';
import { startEngine, type Engine } from './engine.ts';

const root = process.env.FRINGE_ROOT ?? join(__dirname, '..', '..');
const uiDir = join(root, 'dist', 'ui');
const origin = 'app://fringe';
/** The same policy `fringe serve` sends with the UI. */
const csp = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

// standard + secure: a real origin for 'self' in the CSP; supportFetchAPI + corsEnabled: module scripts load over it.
protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);

let engine: Engine | null = null;

function portOf(p: MessagePortMain): PortLike {
  return {
    post: (d) => p.postMessage(d),
    onMessage: (l) => p.on('message', (e) => l(e.data)),
    onClose: (l) => p.on('close', l),
    close: () => p.close(),
  };
}

async function serveUi(request: Request): Promise<Response> {
  const path = decodeURIComponent(new URL(request.url).pathname);
  const file = normalize(join(uiDir, path === '/' ? 'index.html' : path));
  if (!file.startsWith(uiDir)) return new Response('outside the UI folder', { status: 403 });
  try {
    return new Response(await readFile(file), { headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp } });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

async function start(): Promise<void> {
  // The window loads dist/ui itself (built by electron/start.ts before it starts): the engine serves only the API.
  engine = await startEngine({ root, node: process.env.FRINGE_NODE ?? 'node', args: ['--no-ui-build', ...process.argv.slice(process.argv.indexOf('--') + 1 || process.argv.length)] });
  protocol.handle('app', serveUi);

  const win = new BrowserWindow({
    width: 1440,
    height: 960,
    backgroundColor: '#070b10',
    title: 'Fringe',
    webPreferences: { preload: join(__dirname, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  });
  win.removeMenu();
  const api = engine.apiUrl;
  ipcMain.on('fringe:connect', (event) => {
    // Only our window's own page may have a port.
    if (event.sender !== win.webContents || !event.senderFrame?.url.startsWith(`${origin}/`)) return;
    const { port1, port2 } = new MessageChannelMain();
    port1.start();
    bridge(api, portOf(port1));
    event.sender.postMessage('fringe:port', null, [port2]);
  });
  await win.loadURL(`${origin}/index.html`);
}

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
});
app.on('window-all-closed', () => app.quit());
app.on('will-quit', (e) => {
  if (!engine) return;
  e.preventDefault();
  const stopping = engine;
  engine = null;
  void stopping.stop().finally(() => app.quit());
});
app.whenReady().then(start, (err) => {
  console.error(err);
  app.exit(1);
});
