/**
 * The agent's side of the bridge, shared by both transports (Electron main and the
 * headless server): checks a command's arguments, calls the agent, returns what it
 * resolved with. Arguments are checked here and not trusted because they cross a
 * process boundary (IPC from a renderer, a socket on localhost).
 */
import { z } from 'zod';
import { Amount, CardUid, CashCount, META_LINES_MAX, NOTE_CHARS_MAX, SaleLine, Uuid } from '@fedow/protocol';
import type { TillAgent } from '@fedow/terminal';
import { COMMAND_NAMES, type BridgeCommands, type CommandName } from './contract';

const Payment = z.enum(['cash', 'card']);
const SaleTail = { asset: Uuid.optional(), note: z.string().max(NOTE_CHARS_MAX).optional() };
const SaleRequest = z.union([
  z.strictObject({ amount: Amount.min(1), ...SaleTail }),
  z.strictObject({ lines: z.array(SaleLine).min(1).max(META_LINES_MAX), ...SaleTail }),
]);
const TopUpRequest = z.strictObject({ amount: Amount.min(1), payment: Payment, asset: Uuid.optional() });
const MembershipRequest = z.strictObject({ asset: Uuid, amount: Amount, payment: Payment });
const ShiftRequest = z.union([z.strictObject({ count: CashCount }), z.strictObject({ total: Amount })]);
const RefundRequest = z.strictObject({ asset: Uuid.optional(), amount: Amount.min(1).optional() });
/** A payment QR code is ~150 characters, a card UID at most 30. */
const WEDGE_TEXT_CHARS_MAX = 256;
const HubUrl = z.string().trim().url().max(300);
const PairingCode = z.string().trim().min(1).max(40);
const TillName = z.string().trim().min(1).max(80);

/** One tuple schema per command: the renderer may omit optional trailing arguments. */
const ARGS: { [K in CommandName]: z.ZodType<BridgeCommands[K]['args']> } = {
  snapshot: z.tuple([]),
  catalogue: z.tuple([]),
  pair: z.tuple([HubUrl, PairingCode, TillName]),
  lock: z.tuple([]),
  sale: z.tuple([SaleRequest]),
  topUp: z.tuple([TopUpRequest]),
  membership: z.tuple([MembershipRequest]),
  badgeMode: z.tuple([Uuid.nullable()]),
  refund: z.union([z.tuple([RefundRequest]), z.tuple([RefundRequest, CardUid])]),
  voidCard: z.union([z.tuple([]), z.tuple([CardUid])]),
  checkCard: z.union([z.tuple([]), z.tuple([CardUid])]),
  cancel: z.tuple([]),
  registerTotals: z.tuple([]),
  closeRegister: z.tuple([]),
  openShift: z.tuple([ShiftRequest]),
  closeShift: z.tuple([ShiftRequest]),
  wedgeLine: z.tuple([z.string().min(1).max(WEDGE_TEXT_CHARS_MAX)]),
};

type Handlers = { [K in CommandName]: (...args: BridgeCommands[K]['args']) => Promise<BridgeCommands[K]['result']> | BridgeCommands[K]['result'] };

function handlers(agent: TillAgent): Handlers {
  return {
    snapshot: () => agent.snapshot(),
    catalogue: () => [...agent.catalogue()],
    pair: (hubUrl, code, name) => agent.pair(hubUrl, code, name),
    lock: () => agent.lock(),
    sale: (request) => agent.sale(request),
    topUp: (request) => agent.topUp(request),
    membership: (request) => agent.membership(request),
    badgeMode: (asset) => {
      agent.badgeMode(asset);
      return null;
    },
    refund: (request, card) => agent.refund(request, card),
    voidCard: (card) => agent.voidCard(card),
    checkCard: (card) => agent.checkCard(card),
    cancel: () => {
      agent.cancel();
      return null;
    },
    registerTotals: () => agent.registerTotals(),
    closeRegister: () => agent.closeRegister(),
    openShift: (request) => agent.openShift(request),
    closeShift: (request) => agent.closeShift(request),
    wedgeLine: (text) => {
      agent.wedgeLine(text);
      return null;
    },
  };
}

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: string };

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && (COMMAND_NAMES as readonly string[]).includes(value);
}

/**
 * Runs one command on the agent `current()` returns now (the Electron shell may
 * have replaced a crashed one). Never throws: a bad command or a failing agent is
 * an `ok: false` the transport sends back.
 */
export function createDispatcher(current: () => TillAgent): (command: unknown, args: unknown) => Promise<DispatchResult> {
  return async (command, args) => {
    if (!isCommandName(command)) return { ok: false, error: `unknown command ${String(command)}` };
    const parsed = ARGS[command].safeParse(Array.isArray(args) ? args : []);
    if (!parsed.success) return { ok: false, error: `${command}: ${z.prettifyError(parsed.error)}` };
    try {
      // Safe: `parsed.data` was checked by the schema of exactly this command.
      const handler = handlers(current())[command] as (...values: unknown[]) => unknown;
      return { ok: true, result: await handler(...(parsed.data as unknown[])) };
    } catch (error) {
      return { ok: false, error: `${command}: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}
