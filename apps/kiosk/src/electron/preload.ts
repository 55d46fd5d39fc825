/**
 * The Electron preload: the renderer's only door to the agent. It runs sandboxed
 * with context isolation, so the page gets one frozen `window.till` object (the
 * TillBridge contract) and nothing of Node or of ipcRenderer itself.
 * Bundled to dist/electron/preload.cjs (sandboxed preloads cannot import).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridgeClient } from '../bridge/client';
import { IPC_COMMAND, IPC_EVENT, type BridgeEvent, type TillBridge } from '../bridge/contract';
import type { DispatchResult } from '../bridge/agent-handlers';

const till: TillBridge = createBridgeClient({
  async call(command, args) {
    // Safe: the main process answers IPC_COMMAND with the dispatcher's DispatchResult only.
    const answer = (await ipcRenderer.invoke(IPC_COMMAND, command, args)) as DispatchResult;
    if (!answer.ok) throw new Error(answer.error);
    return answer.result;
  },
  listen(listener) {
    // Safe: the main process sends only BridgeEvent values on IPC_EVENT.
    const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as BridgeEvent);
    ipcRenderer.on(IPC_EVENT, forward);
    // IPC is up as long as the page lives: say so, as the WebSocket transport does on open.
    queueMicrotask(() => listener({ type: 'bridge', connected: true }));
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, forward);
    };
  },
});

contextBridge.exposeInMainWorld('till', till);
