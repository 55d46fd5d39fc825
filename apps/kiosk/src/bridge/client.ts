/**
 * Builds a `TillBridge` from a transport's two primitives (send a command, hear
 * events). The Electron preload and the WebSocket client both use it, so the
 * object the UI holds has the same shape and behaviour whichever carries it.
 */
import { COMMAND_NAMES, type BridgeCommands, type BridgeListener, type CommandName, type TillBridge } from './contract';

export interface BridgeTransport {
  call(command: CommandName, args: unknown[]): Promise<unknown>;
  listen(listener: BridgeListener): () => void;
}

export function createBridgeClient(transport: BridgeTransport): TillBridge {
  const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, (...args: unknown[]) => transport.call(name, args)]));
  // Safe: one function per name of COMMAND_NAMES (checked complete in contract.ts), each
  // resolving with what the agent side's handler of that command returned.
  const typed = commands as unknown as { [K in CommandName]: (...args: BridgeCommands[K]['args']) => Promise<BridgeCommands[K]['result']> };
  return { ...typed, subscribe: (listener) => transport.listen(listener) };
}
