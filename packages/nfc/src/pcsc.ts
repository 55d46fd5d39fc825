/**
 * PC/SC readers (ACR122U, ACR1252U, any CCID contactless reader) through nfc-pcsc 0.8.1.
 *
 * nfc-pcsc is an optional dependency with a native addon linked to libpcsclite: it is
 * loaded lazily, and every reason it cannot run (module absent, library missing, daemon
 * down) comes back as "PC/SC unavailable: <why>" instead of an exception.
 *
 * Two ways a reader goes away, both handled without restarting the till:
 * - unplugged while pcscd runs: nfc-pcsc's reader emits `end`; plugged back, the same
 *   NFC session emits a new `reader`;
 * - pcscd itself stops or restarts: every reader emits `end`, then the session emits
 *   `error` and never speaks again (its monitor thread has exited), so we drop it, probe
 *   the daemon's socket until it answers and open a new session.
 */
import { TypedEmitter } from './emitter';
import { pcscAvailable, pcscSocketPath } from './pcsc-probe';
import { uidFromBytes } from './uid';
import type {
  CardReader,
  CardReaderEvent,
  CardReaderEvents,
  CardType,
  FeedbackKind,
  FeedbackResult,
  Unsubscribe,
} from './card-reader';

const RECONNECT_MS_DEFAULT = 1_000;
/** A variable, so TypeScript does not look for typings nfc-pcsc does not ship; the shape is checked below. */
const NFC_PCSC_MODULE = 'nfc-pcsc';
/** FF CA 00 00 00: PC/SC part 3 Get Data, UID of the card in the field. */
const GET_UID_APDU = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);
/** 10-byte UID + status word, with room for readers that answer more. */
const GET_UID_RESPONSE_BYTES_MAX = 32;

/** ACR122U / ACR1252U "Bi-colour LED and buzzer control" (FF 00 40 P2 04 T1 T2 repeat buzzer). */
const LED_PATTERNS: Record<FeedbackKind, { state: number; blinking: number[] }> = {
  // Green on, one 100 ms beep.
  ok: { state: 0b0010_1110, blinking: [0x01, 0x00, 0x01, 0x01] },
  // Red blinking three times, beeping with it.
  error: { state: 0b0101_1101, blinking: [0x02, 0x01, 0x03, 0x01] },
};

// The parts of nfc-pcsc we use (it ships no types).
interface NfcPcscCard {
  atr?: Buffer;
  standard?: string;
}
interface NfcPcscDevice {
  readonly name: string;
  autoProcessing: boolean;
  on(event: 'card' | 'card.off', listener: (card: NfcPcscCard) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  transmit(data: Buffer, responseBytesMax: number): Promise<Buffer>;
  control(data: Buffer, responseBytesMax: number): Promise<Buffer>;
  /** Present only on nfc-pcsc's ACR122Reader (names containing acr122 / acr125). */
  led?: unknown;
}
interface NfcPcscSession {
  on(event: 'reader', listener: (device: NfcPcscDevice) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}
interface NfcPcscModule {
  NFC: new () => NfcPcscSession;
  TAG_ISO_14443_3: string;
  TAG_ISO_14443_4: string;
}

export interface PcscReaderOptions {
  /** pcscd's socket; sets PCSCLITE_CSOCK_NAME, which libpcsclite reads once per process. */
  socketPath?: string;
  /** Probe period while pcscd is away. */
  reconnectMs?: number;
  /** Loads nfc-pcsc; replaceable so the "module absent" path can be exercised for real. */
  load?: () => Promise<unknown>;
}

export type CreatePcscReaderResult = { ok: true; reader: CardReader } | { ok: false; reason: string };

export async function createPcscReader(options: PcscReaderOptions = {}): Promise<CreatePcscReaderResult> {
  if (options.socketPath) process.env.PCSCLITE_CSOCK_NAME = options.socketPath;
  const socketPath = pcscSocketPath();
  const loaded = await loadNfcPcsc(options.load ?? (() => import(NFC_PCSC_MODULE)));
  if (!loaded.ok) return { ok: false, reason: `PC/SC unavailable: ${loaded.reason}` };
  const daemon = await pcscAvailable(socketPath);
  if (!daemon.ok) return { ok: false, reason: `PC/SC unavailable: ${daemon.reason}` };
  return { ok: true, reader: new PcscCardReader(loaded.module, socketPath, options.reconnectMs ?? RECONNECT_MS_DEFAULT) };
}

async function loadNfcPcsc(load: () => Promise<unknown>): Promise<{ ok: true; module: NfcPcscModule } | { ok: false; reason: string }> {
  let imported: unknown;
  try {
    imported = await load();
  } catch (error) {
    // Module not installed, or its addon cannot dlopen libpcsclite.so.1.
    return { ok: false, reason: `cannot load nfc-pcsc (${errorMessage(error)})` };
  }
  // nfc-pcsc is CommonJS compiled by Babel: named exports sit on the namespace or on `default`.
  const candidates = [imported, isObject(imported) ? imported.default : undefined];
  const module = candidates.find(isNfcPcscModule);
  return module ? { ok: true, module } : { ok: false, reason: 'nfc-pcsc loaded but has no NFC export' };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNfcPcscModule(value: unknown): value is NfcPcscModule {
  return isObject(value) && typeof value.NFC === 'function' && typeof value.TAG_ISO_14443_3 === 'string';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface AttachedReader {
  device: NfcPcscDevice;
  /** UID of the card on the reader, once read. */
  uid: string | null;
}

class PcscCardReader implements CardReader {
  readonly kind = 'pcsc';
  private readonly events = new TypedEmitter<CardReaderEvents>();
  private readonly attached = new Map<string, AttachedReader>();
  private session: NfcPcscSession | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private lastCardReader: string | null = null;
  private started = false;
  private closed = false;

  constructor(
    private readonly nfcPcsc: NfcPcscModule,
    private readonly socketPath: string,
    private readonly reconnectMs: number,
  ) {}

  on<E extends CardReaderEvent>(event: E, listener: (payload: CardReaderEvents[E]) => void): Unsubscribe {
    return this.events.on(event, listener);
  }

  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.openSession();
  }

  readers(): readonly string[] {
    return [...this.attached.keys()];
  }

  async feedback(kind: FeedbackKind): Promise<FeedbackResult> {
    const entry = this.lastCardReader === null ? undefined : this.attached.get(this.lastCardReader);
    if (!entry) return { done: false, reason: 'no_reader', message: 'no card has been presented to an attached reader' };
    if (typeof entry.device.led !== 'function') {
      return { done: false, reason: 'unsupported', message: `${entry.device.name} has no LED/buzzer control we know` };
    }
    const pattern = LED_PATTERNS[kind];
    // The packet nfc-pcsc's ACR122Reader.led() sends, sent through control() ourselves
    // because led() console.logs every packet and response.
    const packet = Buffer.from([0xff, 0x00, 0x40, pattern.state, 0x04, ...pattern.blinking]);
    try {
      await entry.device.control(packet, 2);
      return { done: true };
    } catch (error) {
      const message = `LED/buzzer on ${entry.device.name}: ${errorMessage(error)}`;
      this.events.emit('error', { code: 'feedback_failed', message, reader: entry.device.name });
      return { done: false, reason: 'failed', message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.closeSession();
    this.attached.clear();
    this.events.removeAll();
  }

  private openSession(): void {
    const session = new this.nfcPcsc.NFC();
    this.session = session;
    session.on('reader', (device) => {
      if (this.session === session) this.watch(device);
    });
    session.on('error', (error) => {
      if (this.session === session) this.sessionFailed(error);
    });
  }

  private closeSession(): void {
    const session = this.session;
    this.session = null;
    try {
      session?.close();
    } catch {
      // Closing a session whose daemon is gone may fail; it is being thrown away anyway.
    }
  }

  private sessionFailed(error: Error): void {
    this.events.emit('error', { code: 'pcsc_failed', message: `PC/SC service: ${error.message}`, reader: null });
    for (const name of [...this.attached.keys()]) this.detach(name);
    this.closeSession();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(async () => {
      this.reconnectTimer = null;
      if (this.closed) return;
      // Never construct a session while pcscd is away: pcsclite's constructor would spin forever.
      const daemon = await pcscAvailable(this.socketPath);
      if (this.closed) return;
      if (daemon.ok) this.openSession();
      else this.scheduleReconnect();
    }, this.reconnectMs);
  }

  private watch(device: NfcPcscDevice): void {
    const name = device.name;
    // We read the UID ourselves: autoProcessing would SELECT an AID on ISO 14443-4 cards
    // (and fail with "AID was not set") instead of asking for the UID, which every card has.
    device.autoProcessing = false;
    const entry: AttachedReader = { device, uid: null };
    this.attached.set(name, entry);
    const current = () => this.attached.get(name) === entry;
    device.on('card', (card) => {
      if (current()) void this.readUid(entry, card);
    });
    device.on('card.off', () => {
      if (current()) this.cardRemoved(entry);
    });
    device.on('error', (error) => {
      if (current()) this.events.emit('error', { code: 'pcsc_failed', message: `${name}: ${error.message}`, reader: name });
    });
    device.on('end', () => {
      if (current()) this.detach(name);
    });
    this.events.emit('reader-attached', { reader: name });
  }

  private detach(name: string): void {
    const entry = this.attached.get(name);
    if (!entry) return;
    if (entry.uid !== null) this.cardRemoved(entry);
    this.attached.delete(name);
    this.events.emit('reader-detached', { reader: name });
  }

  private cardRemoved(entry: AttachedReader): void {
    const uid = entry.uid;
    entry.uid = null;
    this.events.emit('card-removed', { reader: entry.device.name, uid });
  }

  private async readUid(entry: AttachedReader, card: NfcPcscCard): Promise<void> {
    const name = entry.device.name;
    let response: Buffer;
    try {
      response = await entry.device.transmit(GET_UID_APDU, GET_UID_RESPONSE_BYTES_MAX);
    } catch (error) {
      this.events.emit('error', { code: 'uid_unreadable', message: `${name}: ${errorMessage(error)}`, reader: name });
      return;
    }
    const status = response.length >= 2 ? response.readUInt16BE(response.length - 2) : -1;
    if (status !== 0x9000) {
      const message = `${name}: the card refused Get UID (${response.toString('hex').toUpperCase() || 'empty answer'})`;
      this.events.emit('error', { code: 'uid_unreadable', message, reader: name });
      return;
    }
    const uid = uidFromBytes(response.subarray(0, -2));
    if (!uid.ok) {
      this.events.emit('error', { code: uid.code, message: `${name}: ${uid.message}`, reader: name });
      return;
    }
    entry.uid = uid.uid;
    this.lastCardReader = name;
    this.events.emit('card', { uid: uid.uid, type: this.cardType(card), reader: name });
  }

  private cardType(card: NfcPcscCard): CardType {
    if (card.standard === this.nfcPcsc.TAG_ISO_14443_3) return 'iso14443-3';
    if (card.standard === this.nfcPcsc.TAG_ISO_14443_4) return 'iso14443-4';
    return 'unknown';
  }
}
