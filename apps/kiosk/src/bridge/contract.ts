/**
 * The one contract between the till UI and the terminal agent. The UI sees only
 * `TillBridge`; two transports carry it: Electron IPC (electron/preload.ts exposes
 * `window.till`) and a localhost WebSocket (headless/server.ts + ws-client.ts).
 * Both send the same messages, built from the same command list below, so a
 * command added here is added to both or the type check fails.
 *
 * Type-only imports: this file is bundled into the browser UI, where nothing of
 * the agent's code may run.
 */
import type { CatalogueItem } from '@fedow/protocol';
import type {
  AgentEvent,
  AgentSnapshot,
  CardCheck,
  MembershipRequest,
  Outcome,
  PairResult,
  RefundRequest,
  RegisterTotals,
  SaleRequest,
  ClosedShift,
  ShiftRequest,
  ShiftResult,
  ShiftView,
  TopUpRequest,
} from '@fedow/terminal';

/** Every command: its arguments and what it resolves with. */
export interface BridgeCommands {
  snapshot: { args: []; result: AgentSnapshot };
  catalogue: { args: []; result: CatalogueItem[] };
  pair: { args: [hubUrl: string, code: string, name: string]; result: PairResult };
  /** Ends the session without printing (the cashier walks away); the totals stay in the journal. */
  lock: { args: []; result: RegisterTotals | null };
  /** Armed: resolves at the next tap (or `cancelled`). */
  sale: { args: [request: SaleRequest]; result: Outcome };
  topUp: { args: [request: TopUpRequest]; result: Outcome };
  membership: { args: [request: MembershipRequest]; result: Outcome };
  /** Door mode: every tap is a passage (each one a `decision` event) until `badgeMode(null)`. */
  badgeMode: { args: [asset: string | null]; result: null };
  /** With `card`: performs now on a card the cashier already tapped (refund screen, after confirming). */
  refund: { args: [request: RefundRequest, card?: string]; result: Outcome };
  voidCard: { args: [card?: string]; result: Outcome };
  checkCard: { args: [card?: string]; result: CardCheck | null };
  cancel: { args: []; result: null };
  registerTotals: { args: []; result: RegisterTotals | null };
  closeRegister: { args: []; result: RegisterTotals | null };
  /** The drawer's shift: opened with its float, closed with the cash counted (by denomination or a total). */
  openShift: { args: [request: ShiftRequest]; result: ShiftResult<ShiftView> };
  closeShift: { args: [request: ShiftRequest]; result: ShiftResult<ClosedShift> };
  /** A line a keyboard wedge (card reader or QR scanner) typed into the page, without its Enter. */
  wedgeLine: { args: [text: string]; result: null };
}

export type CommandName = keyof BridgeCommands;

/** The names at run time, for the transports; the check below keeps it complete. */
export const COMMAND_NAMES = [
  'snapshot',
  'catalogue',
  'pair',
  'lock',
  'sale',
  'topUp',
  'membership',
  'badgeMode',
  'refund',
  'voidCard',
  'checkCard',
  'cancel',
  'registerTotals',
  'closeRegister',
  'openShift',
  'closeShift',
  'wedgeLine',
] as const satisfies readonly CommandName[];
type Missing = Exclude<CommandName, (typeof COMMAND_NAMES)[number]>;
const complete: [Missing] extends [never] ? true : Missing = true;
void complete;

/**
 * What the UI hears: the agent's events, plus the transport's own news (the
 * WebSocket dropped while the headless service restarts; the Electron shell
 * recreated a crashed agent). After `connected: true` the UI asks for a fresh
 * snapshot: events may have been missed.
 */
export type BridgeEvent = AgentEvent | { type: 'bridge'; connected: boolean };

export type BridgeListener = (event: BridgeEvent) => void;

export type TillBridge = {
  [K in CommandName]: (...args: BridgeCommands[K]['args']) => Promise<BridgeCommands[K]['result']>;
} & {
  subscribe(listener: BridgeListener): () => void;
};

/** Channel and path names, shared by both sides of each transport. */
export const IPC_COMMAND = 'till:command';
export const IPC_EVENT = 'till:event';
export const WS_PATH = '/bridge';

/** WebSocket frames. A command's error is a message for the log, never shown as a decline. */
export type ClientFrame = { id: number; command: CommandName; args: unknown[] };
export type ServerFrame = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string } | { event: BridgeEvent };
