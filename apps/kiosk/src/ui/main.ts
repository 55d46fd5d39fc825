/**
 * The till UI's entry point. The transport is chosen once, here: the Electron
 * preload puts `window.till` on the page; without it the page was served by the
 * headless agent service and talks to it over a WebSocket on its own origin.
 */
import type { TillBridge } from '../bridge/contract';
import { connectWebSocketBridge } from '../bridge/ws-client';
import { startApp } from './app';
import './styles.css';

declare global {
  interface Window {
    till?: TillBridge;
  }
}

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app');
startApp(root, window.till ?? connectWebSocketBridge());
