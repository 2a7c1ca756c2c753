/**
 * The only thing the renderer gets from the shell: `window.fringe.connect()`,
 * which asks the main process for a MessagePort carrying the API and posts it
 * to the page (src/ui/api.ts picks it up). Sandboxed, so CommonJS and
 * nothing but `electron`'s renderer modules.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('fringe', {
  connect(): void {
    ipcRenderer.send('fringe:connect');
  },
});

ipcRenderer.on('fringe:port', (event) => {
  // Transfer the port into the page's world; the page checks the message came from this window.
  window.postMessage('fringe:port', location.origin, event.ports);
});
