import { TerminalChainVerifier, type TerminalChainProblem } from '@fedow/ledger';
import { SHIFT_KINDS } from '@fedow/protocol';
import { nodeCrypto } from '@fedow/ledger/crypto-node';
import { clashEntryKey } from '../ingest/entry-key';
import * as repo from '../storage/repo';
import type { Entry, Terminal } from '../storage/rows';
import type { Tx } from '../storage/types';
import type { DiscrepancyKind, Progress, VerifyDiscrepancy } from './types';

const ENTRIES_PER_PAGE = 2_000;

/**
 * A void of a card with nothing refundable produces no transfer, nor do a
 * shift's opening and close (they move no money): every other applied kind does.
 */
const KINDS_WITHOUT_TRANSFERS = new Set<string>(['VID', ...SHIFT_KINDS]);

const PROBLEM_KINDS: Record<TerminalChainProblem['problem'], DiscrepancyKind> = {
  bad_hash: 'entry_hash',
  bad_signature: 'entry_signature',
  seq: 'entry_link',
  prev: 'entry_link',
  duplicate_id: 'entry_duplicate',
};

export interface EntriesCheck {
  entries: number;
  discrepancy: VerifyDiscrepancy | null;
}

/**
 * Invariant 3 for every terminal: entries 1..lastSeq form one chain from its
 * genesis, every hash and signature verifies, the terminal row's head matches,
 * and every applied entry's transfers exist. Then, over all transfers: none
 * names an entry that was not applied.
 */
export async function checkEntries(tx: Tx, total: number, progress: Progress): Promise<EntriesCheck> {
  let entries = 0;
  for (const terminal of await repo.listTerminals(tx)) {
    const checked = await checkTerminal(tx, terminal, (count) => {
      entries += count;
      progress({ phase: 'entries', done: entries, total });
    });
    if (checked) return { entries, discrepancy: checked };
  }
  const stray = await repo.transferOfUnappliedEntry(tx);
  if (stray) {
    return { entries, discrepancy: { kind: 'entry_transfers', seq: stray.seq, message: `transfer ${stray.seq} comes from entry ${stray.entryId}, which was not applied` } };
  }
  return { entries, discrepancy: null };
}

async function checkTerminal(tx: Tx, terminal: Terminal, counted: (entries: number) => void): Promise<VerifyDiscrepancy | null> {
  const chain = new TerminalChainVerifier(nodeCrypto, terminal.publicKey, terminal.genesis);
  let lastHash = terminal.genesis;
  for (let page = await repo.listEntries(tx, terminal.id, 0, ENTRIES_PER_PAGE); page.length > 0; ) {
    for (const entry of page) {
      const discrepancy = checkEntry(chain, terminal, entry);
      if (discrepancy) return discrepancy;
      lastHash = entry.hash;
    }
    const discrepancy = (await checkTransfersExist(tx, terminal, page)) ?? (await checkClashes(tx, terminal, page));
    if (discrepancy) return discrepancy;
    counted(page.length);
    if (page.length < ENTRIES_PER_PAGE) break;
    page = await repo.listEntries(tx, terminal.id, page.at(-1)!.seq, ENTRIES_PER_PAGE);
  }
  if (chain.lastSeq !== terminal.lastSeq || lastHash !== terminal.lastHash) {
    return {
      kind: 'terminal_head',
      terminal: terminal.id,
      seq: chain.lastSeq,
      message: `terminal ${terminal.name}: its entries end at seq ${chain.lastSeq}, the terminal row says ${terminal.lastSeq}${lastHash !== terminal.lastHash ? ' with another hash' : ''}`,
    };
  }
  return null;
}

function checkEntry(chain: TerminalChainVerifier, terminal: Terminal, entry: Entry): VerifyDiscrepancy | null {
  const at = { terminal: terminal.id, seq: entry.seq };
  const body = parseBody(entry.body);
  if (body === null) return { ...at, kind: 'entry_body', message: `terminal ${terminal.name}, entry ${entry.seq}: the stored body is not a JSON object` };
  // The columns are what queries use: they must say what the till signed. An
  // entry whose id another till holds is stored under its clash key instead.
  const signedId = typeof body.id === 'string' ? body.id : null;
  const key = signedId !== null && isClash(entry) ? clashEntryKey(terminal.id, signedId) : signedId;
  if (signedId === null || body.seq !== entry.seq || body.prev !== entry.prev || key !== entry.id || body.terminal !== terminal.id) {
    return { ...at, kind: 'entry_body', message: `terminal ${terminal.name}, entry ${entry.seq}: the stored columns differ from the signed body` };
  }
  const problem = chain.next({ body: { ...body, seq: entry.seq, prev: entry.prev, id: signedId }, hash: entry.hash, sig: entry.sig });
  if (problem) return { ...at, kind: PROBLEM_KINDS[problem.problem], message: `terminal ${terminal.name}: ${problem.message}` };
  return null;
}

async function checkTransfersExist(tx: Tx, terminal: Terminal, page: readonly Entry[]): Promise<VerifyDiscrepancy | null> {
  const applied = page.filter((entry) => entry.status === 'applied' && !KINDS_WITHOUT_TRANSFERS.has(String(parseBody(entry.body)?.kind)));
  const withTransfers = await repo.entriesWithTransfers(tx, applied.map((entry) => entry.id));
  const missing = applied.find((entry) => !withTransfers.has(entry.id));
  if (!missing) return null;
  return { kind: 'entry_transfers', terminal: terminal.id, seq: missing.seq, message: `terminal ${terminal.name}, entry ${missing.seq}: applied, but no transfer comes from it` };
}

/** Rejected with `duplicate_id` (docs/DECISIONS.md): stored under its clash key. */
function isClash(entry: Entry): boolean {
  return entry.status === 'rejected' && entry.reason === 'duplicate_id';
}

/** An entry stored under its clash key: the id it signed must be held by another till's entry. */
async function checkClashes(tx: Tx, terminal: Terminal, page: readonly Entry[]): Promise<VerifyDiscrepancy | null> {
  const clashes = page.filter(isClash);
  if (clashes.length === 0) return null;
  const signedIds = clashes.map((entry) => String(parseBody(entry.body)?.id));
  const holders = await repo.getEntryHolders(tx, signedIds);
  const index = signedIds.findIndex((id) => (holders.get(id)?.terminal ?? terminal.id) === terminal.id);
  if (index < 0) return null;
  const entry = clashes[index]!;
  return { kind: 'entry_duplicate', terminal: terminal.id, seq: entry.seq, message: `terminal ${terminal.name}, entry ${entry.seq}: rejected as duplicate_id, but no other till's entry holds its id` };
}

function parseBody(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    // Checked: a plain JSON object.
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
