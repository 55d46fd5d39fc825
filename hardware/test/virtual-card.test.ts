/**
 * The virtual card against a fake vpcd on loopback (framing, answers, removal), then
 * against a real pcscd + vpcd, read by pcsc-tools' scriptor.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameDecoder, encodeFrame, insertCard, privatePcscdUnsupported, startPrivatePcscd, type PrivatePcscd } from '../src';

/** The reader side of vpcd: sends frames to the one card that connects, collects its answers. */
class FakeVpcd {
  private server = net.createServer();
  private socket: net.Socket | null = null;
  private readonly decoder = new FrameDecoder();
  private readonly answers: Buffer[] = [];
  private waiting: (() => void) | null = null;
  ended = new Promise<void>(() => {});
  connected = new Promise<void>(() => {});
  port = 0;

  async listen(): Promise<void> {
    this.connected = new Promise((resolveConnected) => {
      this.ended = new Promise((resolveEnded) => {
        this.server.on('connection', (socket) => {
          this.socket = socket;
          socket.on('data', (chunk: Buffer) => {
            this.answers.push(...this.decoder.push(chunk));
            this.waiting?.();
          });
          socket.on('end', () => resolveEnded());
          resolveConnected();
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    this.port = address.port;
  }

  /** Sends the frame one byte per write: the card must reassemble it. */
  async send(hex: string): Promise<void> {
    const frame = encodeFrame(Buffer.from(hex, 'hex'));
    for (const byte of frame) {
      this.socket?.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async nextAnswer(ms = 2_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.answers.length === 0) {
      if (Date.now() > deadline) throw new Error('no answer from the card');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.answers.shift()!.toString('hex').toUpperCase();
  }

  get pendingAnswers(): number {
    return this.answers.length;
  }

  close(): Promise<void> {
    this.socket?.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('virtual card over the vpcd protocol (fake vpcd on loopback)', () => {
  it('answers ATR, UID, pages and unknown APDUs, silent on 00/01/02, and removal closes the connection', async () => {
    const vpcd = new FakeVpcd();
    await vpcd.listen();
    try {
      const card = await insertCard({ uid: '04e1f2a3b4c5d6', port: vpcd.port, pages: Buffer.from('0102030405060708', 'hex') });
      await vpcd.connected;
      expect(card.uid).toBe('04E1F2A3B4C5D6');
      for (const command of ['00', '01', '02']) await vpcd.send(command);
      await vpcd.send('04');
      // The first answer is the ATR: nothing was sent back for 00, 01 and 02.
      expect(await vpcd.nextAnswer()).toBe('3B8F8001804F0CA000000306030001000000006A');
      await card.powered;
      await vpcd.send('FFCA000000');
      expect(await vpcd.nextAnswer()).toBe('04E1F2A3B4C5D69000');
      await vpcd.send('FFB0000104');
      expect(await vpcd.nextAnswer()).toBe('050607089000');
      await vpcd.send('0084000008');
      expect(await vpcd.nextAnswer()).toBe('6A81');
      expect(vpcd.pendingAnswers).toBe(0);
      await card.remove();
      await vpcd.ended;
      await card.remove(); // idempotent
    } finally {
      await vpcd.close();
    }
  });

  it('rejects with a plain reason when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(insertCard({ uid: '04A1B2C3', port: address.port })).rejects.toThrow(/vpcd not reachable at 127\.0\.0\.1:\d+/);
  });

  it('refuses a UID of the wrong length before connecting', async () => {
    await expect(insertCard({ uid: '04A1B2', port: 1 })).rejects.toThrow(/3 bytes/);
  });
});

const PCSC_REQUIRED = Boolean(process.env.CI) || process.env.FEDOW_PCSC === 'required';
const unsupported = privatePcscdUnsupported();
if (unsupported && !PCSC_REQUIRED) console.warn(`[virtual-card] real pcscd test skipped: ${unsupported}`);

function scriptor(socketPath: string, reader: string, apdus: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('scriptor', ['-r', reader], { env: { ...process.env, PCSCLITE_CSOCK_NAME: socketPath } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill(), 10_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.end(apdus.join('\n') + '\n');
  });
}

describe.skipIf(unsupported !== null && !PCSC_REQUIRED)('virtual card through a real pcscd + vpcd', () => {
  let pcscd: PrivatePcscd | null = null;

  beforeAll(async () => {
    const started = await startPrivatePcscd();
    if (!started.ok) throw new Error(started.reason);
    pcscd = started.pcscd;
  });
  afterAll(async () => {
    await pcscd?.dispose();
  });

  it('is read by a PC/SC application on "Virtual PCD 00 00"', async () => {
    const daemon = pcscd!;
    const pages = Buffer.alloc(64);
    pages.write('FEDOW', 16);
    const card = await insertCard({ uid: '04a1b2c3', port: daemon.port, pages });
    await card.powered;
    const apdus = ['ff ca 00 00 00', 'ff b0 00 04 05', 'ff 00 00 00 00'];
    let output = await scriptor(daemon.socketPath, 'Virtual PCD 00 00', apdus);
    // pcscd publishes the card's state a moment after reading its ATR: a loaded machine may need a retry.
    for (let retry = 0; retry < 5 && output.includes('No smartcard inserted'); retry++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      output = await scriptor(daemon.socketPath, 'Virtual PCD 00 00', apdus);
    }
    await card.remove();
    expect(output).toContain('< 04 A1 B2 C3 90 00');
    expect(output).toContain('< 46 45 44 4F 57 90 00');
    expect(output).toContain('< 6A 81');
  });
});
