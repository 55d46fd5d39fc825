import { pairTill, type PairResult } from '../pairing/pairing';
import { startPurgeTimer } from './purge-timer';
import { readerAttached, readerDetached, readerFailed, type ReaderView } from './reader-view';
import { keptAlerts } from './gate';
import { onCard } from './acting';
import { cancelArmed, emit, publish, type AgentRuntime } from './agent-runtime';

/**
 * The agent's life: start listening to the reader and the sync client, pair
 * with a hub, and close everything in the order that loses nothing (the armed
 * promise first, the store last).
 */

export function start(runtime: AgentRuntime): void {
  const { reader, sync, store, clock } = runtime;
  runtime.unsubscribers.push(
    reader.on('card', ({ uid }) => onCard(runtime, uid)),
    reader.on('reader-attached', () => onReaderChange(runtime, readerAttached(runtime.readerView, reader.readers()))),
    reader.on('reader-detached', () => onReaderChange(runtime, readerDetached(runtime.readerView, reader.readers()))),
    reader.on('error', (error) => onReaderChange(runtime, readerFailed(runtime.readerView, error))),
    sync.on('state', () => publish(runtime)),
    sync.on('alert', (alert) => {
      runtime.alerts = keptAlerts(runtime.alerts, alert);
      emit(runtime, { type: 'alert', alert });
    }),
  );
  reader.start();
  runtime.stopPurge = startPurgeTimer(() => store.journal.purge(clock.now()));
  if (store.journal.identity()) sync.start();
  publish(runtime);
}

function onReaderChange(runtime: AgentRuntime, view: ReaderView): void {
  runtime.readerView = view;
  publish(runtime);
}

export async function close(runtime: AgentRuntime): Promise<void> {
  cancelArmed(runtime);
  runtime.stopPurge?.();
  for (const unsubscribe of runtime.unsubscribers.splice(0)) unsubscribe();
  await runtime.sync.stop();
  await runtime.reader.close();
  runtime.events.removeAll();
  if (runtime.store.journal.open) runtime.store.close();
}

export async function pair(runtime: AgentRuntime, hubUrl: string, code: string, name: string): Promise<PairResult> {
  const { options, store, key, sync } = runtime;
  const result = await pairTill({ hubUrl, code, name, agent: runtime.agentName, journal: store.journal, publicKey: key.publicKey, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (result.ok) sync.start();
  publish(runtime);
  return result;
}
