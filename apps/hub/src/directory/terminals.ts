import { createHash, randomBytes } from 'node:crypto';
import { hashBody } from '@fedow/ledger';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { genesisBody, PAIRING_CODE_CHARS, PAIRING_CODE_TTL_MS, type PairingCodeCreate, type PairRequest, type PairResponse } from '@fedow/protocol';
import { iso } from '../clock';
import type { HubContext } from '../context';
import type { TillPresence } from '../sync/presence';
import { presenceLookup } from '../sync/presence-recorder';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { TerminalStatus } from '../storage/schema-values';
import { notFound, now, requirePlace, write } from './common';

/** Crockford base32: no I, L, O, U, so a code read aloud or copied by hand survives. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function newPairingCode(): string {
  const bytes = randomBytes(PAIRING_CODE_CHARS);
  let code = '';
  // 32 divides 256: every character is uniform.
  for (const byte of bytes) code += CROCKFORD[byte % 32];
  return code;
}

/** Codes are stored hashed: a copy of the database does not hand out live codes. */
function hashPairingCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export interface PairingCodeView {
  code: string;
  place: string;
  name: string;
  expiresAt: string;
}

/** A single-use code for one till of a place, valid PAIRING_CODE_TTL_MS (SYNC.md). */
export async function createPairingCode(context: HubContext, input: PairingCodeCreate): Promise<PairingCodeView> {
  const createdAt = context.clock.now();
  const expiresAt = iso(new Date(createdAt.getTime() + PAIRING_CODE_TTL_MS));
  const code = newPairingCode();
  await write(context, 'pairing code', async (tx) => {
    await requirePlace(tx, input.place);
    await repo.insertPairingCode(tx, { codeHash: hashPairingCode(code), placeId: input.place, name: input.name, createdAt: iso(createdAt), expiresAt });
  });
  return { code, place: input.place, name: input.name, expiresAt };
}

/**
 * A till claims its code with its public key: the terminal row is created with its
 * chain at the genesis (lastSeq 0). The name is the operator's (from the code): the
 * till's own name stays in the request log only.
 */
export async function pairTerminal(context: HubContext, request: PairRequest): Promise<PairResponse> {
  const at = now(context);
  const hub = context.key.publicKey;
  const response = await write(context, 'a till with this public key', async (tx): Promise<PairResponse> => {
    const claim = await repo.claimPairingCode(tx, hashPairingCode(request.code), at);
    if (claim.status === 'unknown') throw new HubError('not_found', 'unknown pairing code');
    if (claim.status === 'expired') throw new HubError('gone', 'this pairing code has expired: ask for a new one');
    if (claim.status === 'used') throw new HubError('gone', 'this pairing code was already used: ask for a new one');
    if (await repo.getTerminalByPublicKey(tx, request.publicKey)) throw new HubError('conflict', 'a till with this public key is already paired');
    const place = await requirePlace(tx, claim.code.placeId);
    const terminal = context.newId();
    const genesis = hashBody(nodeCrypto, genesisBody(terminal, request.publicKey, place.id, hub));
    await repo.insertTerminal(tx, { id: terminal, placeId: place.id, name: claim.code.name, publicKey: request.publicKey, genesis, lastSeq: 0, lastHash: genesis, createdAt: at });
    await repo.setPairingTerminal(tx, claim.code.codeHash, terminal);
    return { terminal, place: place.id, placeName: place.name, hub, genesis };
  });
  context.events.emit('terminal', { terminal: response.terminal, change: 'paired' });
  return response;
}

export interface TerminalView {
  id: string;
  place: string;
  name: string;
  publicKey: string;
  status: TerminalStatus;
  lastSeq: number;
  /** Entries the till holds that the hub has not acknowledged; known only while it is connected. */
  lag: number | null;
  lastSeenAt: string | null;
  online: boolean;
  rejected: number;
  createdAt: string;
}

/**
 * Presence is the hub's own memory, then what the other hub processes (and, for the
 * CLI, every running hub) recorded (sync/presence-recorder.ts): every process shows
 * the same live status and lag.
 */
export async function listTerminals(context: HubContext, place?: string): Promise<TerminalView[]> {
  const terminals = await repo.listTerminals(context.storage.read, place);
  const presenceOf = await presenceLookup(context);
  return terminals.map((terminal) => terminalView(context, terminal, presenceOf(terminal.id)));
}

type LivePresence = Pick<TillPresence, 'lagEntries' | 'lastMessageAt'>;

function terminalView(context: HubContext, terminal: repo.Terminal, presence: LivePresence | undefined = context.presence.get(terminal.id)): TerminalView {
  return {
    id: terminal.id,
    place: terminal.placeId,
    name: terminal.name,
    publicKey: terminal.publicKey,
    status: terminal.status,
    lastSeq: terminal.lastSeq,
    lag: presence?.lagEntries ?? null,
    lastSeenAt: presence?.lastMessageAt ?? terminal.lastSeenAt,
    online: presence !== undefined,
    rejected: terminal.rejectedCount,
    createdAt: terminal.createdAt,
  };
}

/** Revoked for good: the till is refused at its next hello (and dropped if connected). */
export async function revokeTerminal(context: HubContext, id: string): Promise<TerminalView> {
  return changeStatus(context, id, ['active', 'frozen'], 'revoked');
}

/** After an operator looked at a fork: the till may sync again. */
export async function unfreezeTerminal(context: HubContext, id: string): Promise<TerminalView> {
  return changeStatus(context, id, ['frozen'], 'active');
}

async function changeStatus(context: HubContext, id: string, from: TerminalStatus[], to: TerminalStatus): Promise<TerminalView> {
  const view = await write(context, 'terminal', async (tx) => {
    const terminal = await repo.getTerminal(tx, id);
    if (!terminal) throw notFound('terminal', id);
    if (!from.includes(terminal.status)) throw new HubError('conflict', `terminal ${terminal.name} is ${terminal.status}, not ${from.join(' or ')}`);
    await repo.setTerminalStatus(tx, id, to);
    return terminalView(context, { ...terminal, status: to });
  });
  context.events.emit('terminal', { terminal: id, change: to === 'revoked' ? 'revoked' : 'unfrozen' });
  return view;
}
