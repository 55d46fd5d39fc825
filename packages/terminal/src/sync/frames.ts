import { signBody } from '@fedow/ledger';
import { HubMessage, PROTOCOL_VERSION, helloProof, parseFrame, type Ack, type Challenge, type SyncError, type Update, type Welcome } from '@fedow/protocol';
import { acked, contacted, welcomed } from './link-state';
import { windowAfterAck, windowAfterGap, windowAfterWelcome } from './push-window';
import { ackVerdict, challengeVerdict, clockSkewText, errorVerdict, needsWelcome } from './frame-rules';
import { pump } from './pushing';
import { alert, dropConnection, halt, heartbeat, publish, send, update, type Connection, type SyncRuntime } from './runtime';

/**
 * What the sync client does with each message of the hub: the rules
 * (frame-rules.ts, push-window.ts, link-state.ts) say what it means; these
 * handlers read and write the store, send the answer and carry the verdict out.
 */

export function onFrame(runtime: SyncRuntime, connection: Connection, text: string): void {
  const parsed = parseFrame(HubMessage, text);
  if (!parsed.ok) return alert(runtime, 'bad_message', `unreadable message from the hub: ${parsed.message}`);
  const frame = parsed.value;
  if (connection.welcomed) recordContact(runtime);
  if (needsWelcome(frame.type) && !connection.welcomed) return dropConnection(connection, 'protocol', `the hub sent ${frame.type} before welcome`);
  switch (frame.type) {
    case 'challenge':
      return onChallenge(runtime, connection, frame);
    case 'welcome':
      return onWelcome(runtime, connection, frame);
    case 'ack':
      return onAck(runtime, connection, frame);
    case 'update':
      return onUpdate(runtime, connection, frame);
    case 'error':
      return onError(runtime, connection, frame);
    case 'ping':
      send(runtime, connection, { type: 'pong', t: frame.t });
      return;
    case 'pong':
      return;
    case 'card-set': {
      const applied = runtime.options.cardSet?.apply(frame);
      if (applied?.status === 'invalid') alert(runtime, 'update_invalid', applied.message);
      return;
    }
    case 'qr-sale-result':
      runtime.qrSales.get(frame.id)?.resolve(frame);
      return;
  }
}

function recordContact(runtime: SyncRuntime): void {
  const at = runtime.now();
  const contact = contacted(runtime.link, at);
  runtime.link = contact.link;
  if (contact.write) runtime.options.store.cache.recordContact(at);
}

function onChallenge(runtime: SyncRuntime, connection: Connection, challenge: Challenge): void {
  const { options } = runtime;
  const identity = options.store.journal.identity();
  if (!identity) return halt(runtime, 'not_paired', 'the till is not paired');
  const verdict = challengeVerdict(connection.challenged, challenge.hub, identity.hubPublicKey);
  if (verdict.kind === 'drop') {
    if (verdict.alert) alert(runtime, 'wrong_hub', verdict.text);
    return dropConnection(connection, verdict.reason, verdict.text);
  }
  connection.challenged = true;
  const { sig } = signBody(options.crypto, options.secretKey, helloProof(identity.terminal, challenge.nonce, challenge.hub));
  const cursor = options.store.cache.cursor();
  send(runtime, connection, {
    type: 'hello',
    terminal: identity.terminal,
    protocol: PROTOCOL_VERSION,
    agent: options.agent,
    sig,
    ...(cursor === undefined ? {} : { cursor }),
  });
}

function onWelcome(runtime: SyncRuntime, connection: Connection, welcome: Welcome): void {
  if (!connection.challenged || connection.welcomed) return dropConnection(connection, 'protocol', 'welcome out of order');
  const { journal, cache } = runtime.options.store;
  const at = runtime.now();
  const confirmed = journal.confirmThrough(welcome.lastSeq, welcome.lastHash, at);
  if (!confirmed.ok) return halt(runtime, confirmed.code, confirmed.message);
  cache.recordWelcome(welcome.policy, at);
  const skew = clockSkewText(welcome.serverTime, at);
  if (skew !== null) alert(runtime, 'clock_skew', skew);
  connection.welcomed = true;
  connection.window = windowAfterWelcome(welcome.lastSeq);
  update(runtime, welcomed(runtime.link, at, welcome.lastSeq));
  heartbeat(runtime, connection);
  for (const pending of runtime.qrSales.values()) send(runtime, connection, pending.frame);
  pump(runtime, connection);
}

function onAck(runtime: SyncRuntime, connection: Connection, ack: Ack): void {
  const { unknown } = runtime.options.store.journal.markAcked(ack.results, runtime.now());
  if (unknown.length > 0) alert(runtime, 'unknown_ack', `the hub acknowledged entries this journal does not hold: seq ${unknown.map((result) => result.seq).join(', ')}`);
  const verdict = ackVerdict(ack.results);
  if (verdict.integrity) return halt(runtime, verdict.integrity.reason, verdict.integrity.text);
  if (verdict.rejected.length > 0) runtime.events.emit('rejected', verdict.rejected);
  connection.window = windowAfterAck(connection.window, ack);
  update(runtime, acked(runtime.link, ack.lastSeq));
  pump(runtime, connection);
}

function onUpdate(runtime: SyncRuntime, connection: Connection, hubUpdate: Update): void {
  if (hubUpdate.appliedThrough !== undefined) connection.appliedThrough = Math.max(connection.appliedThrough ?? 0, hubUpdate.appliedThrough);
  const outcome = runtime.options.store.applyHubUpdate(hubUpdate, connection.appliedThrough, runtime.now());
  if (outcome.status === 'invalid') return alert(runtime, 'update_invalid', outcome.message);
  if (outcome.status === 'staged') return;
  connection.appliedThrough = undefined;
  // Committed above: the hub may now forget everything before this cursor.
  send(runtime, connection, { type: 'updated', cursor: outcome.cursor });
  runtime.events.emit('updated', { cursor: outcome.cursor });
  publish(runtime);
}

function onError(runtime: SyncRuntime, connection: Connection, error: SyncError): void {
  const verdict = errorVerdict(error);
  if (verdict.kind === 'halt') return halt(runtime, verdict.reason, verdict.text);
  if (verdict.kind === 'alert') return alert(runtime, 'hub_error', verdict.text);
  if (!connection.welcomed || error.expected === undefined) return dropConnection(connection, 'protocol', 'gap without expected');
  const window = windowAfterGap(connection.window, error.expected);
  if (window === null) return;
  connection.window = window;
  pump(runtime, connection, error.expected);
}
