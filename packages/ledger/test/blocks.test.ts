import { describe, expect, it } from 'vitest';
import type { AssetCategory } from '@fedow/protocol';
import { ChainVerifier, fromHex, genesisBlock, nobleCrypto, publicKeyHex, sealBlock, type Block, type TransferRecord } from '../src';
import { nodeCrypto } from '../src/crypto-node';
import { T0, world } from './world';

const hubKey = fromHex('33'.repeat(32));

/** A ledger with some history, sealed into blocks of `size` transfers. */
function sealed(size: number) {
  const w = world();
  for (let index = 0; index < 12; index++) {
    w.at(w.a, w.entry('REF', { amount: 1000 + index }));
    w.at(w.a, w.entry('SAL', { amount: 300 }));
    w.at(w.a, w.entry('RFD', { amount: 100 }));
  }
  const hub = publicKeyHex(nodeCrypto, hubKey);
  const blocks: { block: Block; transfers: TransferRecord[] }[] = [{ block: genesisBlock(nodeCrypto, hubKey, hub, T0), transfers: [] }];
  for (let start = 0; start < w.ledger.transfers.length; start += size) {
    const chunk = w.ledger.transfers.slice(start, start + size);
    const { block, hashes } = sealBlock(nodeCrypto, hubKey, blocks.at(-1)!.block, chunk, T0);
    blocks.push({ block, transfers: chunk.map((transfer, index) => ({ ...transfer, hash: hashes[index]!, block: block.height })) });
  }
  const categories = new Map<string, AssetCategory>([...w.ledger.state.assets.values()].map((asset) => [asset.id, asset.category]));
  const verifier = () => new ChainVerifier(nobleCrypto, { hub, categories, primaryWallet: w.ledger.state.primaryWallet });
  return { w, blocks, verifier };
}

function verify(chain: ReturnType<typeof sealed>, blocks = chain.blocks, balances = chain.w.ledger.state.balances) {
  const verifier = chain.verifier();
  for (const { block, transfers } of blocks) {
    const problem = verifier.block(block, transfers);
    if (problem) return problem;
  }
  return verifier.compareBalances(balances) ?? verifier.conservation(balances);
}

describe('blocks', () => {
  it('seals blocks that verify with the other implementation, and replays every balance', () => {
    const chain = sealed(10);
    expect(chain.blocks.length).toBeGreaterThan(4);
    expect(verify(chain)).toBeNull();
  });

  it('detects an altered transfer amount', () => {
    const chain = sealed(10);
    chain.blocks[2]!.transfers[3]!.amount += 1;
    expect(verify(chain)).toMatchObject({ kind: 'transfer_hash', seq: chain.blocks[2]!.transfers[3]!.seq });
  });

  it('detects a removed transfer: the next one no longer links', () => {
    const chain = sealed(10);
    chain.blocks[2]!.transfers.splice(4, 1);
    expect(verify(chain)).toMatchObject({ kind: 'transfer_hash', seq: chain.blocks[2]!.transfers[4]!.seq });
  });

  it('detects the last transfer of a block removed', () => {
    const chain = sealed(10);
    chain.blocks[2]!.transfers.pop();
    expect(verify(chain)?.kind).toBe('block_range');
  });

  it('accepts seqs with holes (a rolled-back PostgreSQL sequence value) when the hashes link', () => {
    const w = sealed(10);
    const transfers = w.w.ledger.transfers.map((transfer, index) => ({ ...transfer, seq: index * 2 + 1 }));
    const genesis = w.blocks[0]!.block;
    const { block, hashes } = sealBlock(nodeCrypto, hubKey, genesis, transfers, T0);
    const verifier = w.verifier();
    expect(verifier.block(genesis, [])).toBeNull();
    expect(verifier.block(block, transfers.map((transfer, index) => ({ ...transfer, hash: hashes[index]!, block: 1 })))).toBeNull();
  });

  it('detects two transfers swapped', () => {
    const chain = sealed(10);
    const transfers = chain.blocks[1]!.transfers;
    [transfers[0], transfers[1]] = [transfers[1]!, transfers[0]!];
    expect(verify(chain)?.kind).toMatch(/^transfer_(seq|hash)$/);
    const other = sealed(10);
    const later = other.blocks[1]!.transfers;
    [later[3], later[4]] = [later[4]!, later[3]!];
    expect(verify(other)?.kind).toMatch(/^transfer_(seq|hash)$/);
  });

  it('detects a block re-signed by another key', () => {
    const chain = sealed(10);
    const forged = sealBlock(nodeCrypto, fromHex('44'.repeat(32)), chain.blocks[1]!.block, chain.blocks[2]!.transfers, T0);
    chain.blocks[2]!.block = { ...forged.block, hub: chain.blocks[2]!.block.hub };
    expect(verify(chain)?.kind).toMatch(/block_hash|block_signature/);
  });

  it('detects an altered block header and a broken link', () => {
    const chain = sealed(10);
    chain.blocks[1]!.block = { ...chain.blocks[1]!.block, sealedAt: '2030-01-01T00:00:00.000Z' };
    expect(verify(chain)?.kind).toBe('block_hash');
    const other = sealed(10);
    other.blocks.splice(2, 1);
    expect(verify(other)?.kind).toBe('block_link');
  });

  it('detects a stored balance that the transfers do not give', () => {
    const chain = sealed(10);
    const balances = new Map(chain.w.ledger.state.balances);
    const [key, value] = [...balances].find(([, candidate]) => candidate > 0)!;
    balances.set(key, value + 1);
    expect(verify(chain, chain.blocks, balances)?.kind).toBe('balance');
  });

  it('detects money that appears without an issuing transfer (conservation)', () => {
    const chain = sealed(10);
    const verifier = chain.verifier();
    for (const { block, transfers } of chain.blocks) expect(verifier.block(block, transfers)).toBeNull();
    const balances = new Map(chain.w.ledger.state.balances);
    const [key, value] = [...balances].find(([, candidate]) => candidate > 0)!;
    balances.set(key, value + 7);
    expect(verifier.conservation(balances)?.kind).toBe('conservation');
  });

  it('refuses to seal out-of-order transfers', () => {
    const chain = sealed(10);
    expect(() => sealBlock(nodeCrypto, hubKey, chain.blocks[1]!.block, [...chain.blocks[2]!.transfers].reverse(), T0)).toThrow(/expected a seq after/);
    expect(() => sealBlock(nodeCrypto, hubKey, chain.blocks[2]!.block, chain.blocks[2]!.transfers, T0)).toThrow(/expected a seq after/);
  });
});
