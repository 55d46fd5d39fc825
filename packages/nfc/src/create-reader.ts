/**
 * The one place that turns configuration into a reader. The till calls this once at
 * start and from then on only knows `CardReader`.
 */
import { KeyboardWedgeReader, type WedgeFormat } from './keyboard-wedge';
import { createPcscReader } from './pcsc';
import { SimulatorReader } from './simulator';
import type { CardReader, ReaderKind } from './card-reader';

export type ReaderConfig =
  | { kind: 'pcsc'; socketPath?: string; reconnectMs?: number }
  | { kind: 'keyboard-wedge'; format?: WedgeFormat; name?: string; input?: NodeJS.ReadableStream }
  | { kind: 'simulator'; name?: string; input?: NodeJS.ReadableStream };

export type CreateReaderResult = { ok: true; reader: CardReader } | { ok: false; reason: string };

type Factories = { [K in ReaderKind]: (config: Extract<ReaderConfig, { kind: K }>) => Promise<CreateReaderResult> };

const factories: Factories = {
  pcsc: (config) => createPcscReader(config),
  'keyboard-wedge': async (config) => ({ ok: true, reader: new KeyboardWedgeReader(config) }),
  simulator: async (config) => ({ ok: true, reader: new SimulatorReader(config) }),
};

export const READER_KINDS = Object.keys(factories) as readonly ReaderKind[];

export function isReaderKind(value: string): value is ReaderKind {
  return Object.hasOwn(factories, value);
}

export function createReader(config: ReaderConfig): Promise<CreateReaderResult> {
  // Safe: `factories[config.kind]` is the factory for exactly this variant of the union.
  const factory = factories[config.kind] as (config: ReaderConfig) => Promise<CreateReaderResult>;
  return factory(config);
}
