import { EventEmitter } from 'node:events';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

/**
 * The simulation's network: a pair of in-memory sockets per connection, shaped
 * like `ws` (the events and methods the till's sync client and the hub's session
 * use), whose frames are delivered by the scheduler at virtual times the seed
 * chooses. Faults, all from the seed:
 * - latency: each frame takes its own time, so frames of an old connection can
 *   still arrive after a newer connection of the same till (reordering);
 * - cut: the till sees its connection close at once, the hub only later (a
 *   half-open TCP connection), frames in flight are lost;
 * - black hole: a frame is dropped and the connection goes silent without
 *   closing, until a side's silence timer gives up;
 * - partition: a till cannot connect for a while.
 * Within one connection frames keep their order, as TCP keeps them.
 */

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export class SimSocket extends EventEmitter {
  readyState = CONNECTING;
  readonly OPEN = OPEN;
  peer!: SimSocket;
  /** Virtual time the last frame sent this way arrives: later frames never overtake it. */
  private lastArrival = 0;

  constructor(
    private readonly link: Link,
    readonly side: 'till' | 'hub',
  ) {
    super();
  }

  send(data: string | Buffer): void {
    if (this.readyState !== OPEN) return;
    this.link.carry(this, typeof data === 'string' ? data : data.toString());
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.link.closeFrom(this, code, reason);
  }

  terminate(): void {
    this.link.closeFrom(this, 1006, '', true);
  }

  /** @internal */
  arrivalAfter(at: number): number {
    this.lastArrival = Math.max(this.lastArrival, at);
    return this.lastArrival;
  }

  /** @internal the socket is closed on this side; listeners hear it. */
  finish(code: number, reason: string): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.emit('close', code, Buffer.from(reason));
  }
}

export interface NetworkFaults {
  latencyMs: [number, number];
  /** Per frame. */
  blackHole: number;
}

/** One connection: a till socket and a hub socket. */
class Link {
  readonly till = new SimSocket(this, 'till');
  readonly hub = new SimSocket(this, 'hub');
  silent = false;
  closed = false;

  constructor(
    readonly network: SimNetwork,
    readonly tillName: string,
  ) {
    this.till.peer = this.hub;
    this.hub.peer = this.till;
  }

  carry(from: SimSocket, text: string): void {
    if (this.silent || this.closed) return;
    const { rng, scheduler, faults } = this.network;
    if (rng.chance(faults.blackHole)) {
      this.silent = true;
      this.network.count('black hole');
      return;
    }
    const at = from.arrivalAfter(scheduler.now + rng.int(faults.latencyMs[0], faults.latencyMs[1]));
    scheduler.at(at, `frame ${from.side}→${from.peer.side} ${this.tillName}`, () => {
      if (from.peer.readyState === OPEN) from.peer.emit('message', Buffer.from(text), false);
    });
  }

  /** A close reaches the other side after the latency, if the link still carries anything. */
  closeFrom(from: SimSocket, code: number, reason: string, abrupt = false): void {
    const { rng, scheduler, faults } = this.network;
    from.finish(abrupt ? 1006 : code, reason);
    if (this.closed) return;
    this.closed = true;
    // A silent link carries nothing more, closes included: the other side finds out on its own.
    if (this.silent) return;
    const peer = from.peer;
    const at = from.arrivalAfter(scheduler.now + rng.int(faults.latencyMs[0], faults.latencyMs[1]));
    scheduler.at(at, `close →${peer.side} ${this.tillName}`, () => peer.finish(abrupt ? 1006 : code, reason));
  }

  /** The till loses the connection now; the hub hears of it only after `hubLearnsMs`. */
  cut(hubLearnsMs: number): void {
    if (this.closed) return;
    this.closed = true;
    this.till.finish(1006, 'cut');
    this.network.scheduler.at(this.network.scheduler.now + hubLearnsMs, `cut noticed by hub ${this.tillName}`, () => this.hub.finish(1006, 'cut'));
  }
}

export class SimNetwork {
  private readonly links = new Map<string, Set<Link>>();
  private readonly partitionedUntil = new Map<string, number>();
  readonly counts: Record<string, number> = {};
  hubAccepting = true;

  constructor(
    readonly scheduler: Scheduler,
    readonly rng: Rng,
    readonly faults: NetworkFaults,
    /** Called with the hub's side of every new connection. */
    private accept: (socket: SimSocket, till: string) => void,
  ) {}

  count(what: string): void {
    this.counts[what] = (this.counts[what] ?? 0) + 1;
  }

  /** The hub restarted: new connections go to the new one. */
  setAcceptor(accept: (socket: SimSocket, till: string) => void): void {
    this.accept = accept;
  }

  /** The till's `openSocket`: connects after the latency, or fails if partitioned or the hub is down. */
  open(tillName: string): SimSocket {
    const link = new Link(this, tillName);
    const set = this.links.get(tillName) ?? new Set();
    this.links.set(tillName, set);
    set.add(link);
    const latency = this.rng.int(this.faults.latencyMs[0], this.faults.latencyMs[1]);
    this.scheduler.at(this.scheduler.now + latency, `connect ${tillName}`, () => {
      const blocked = (this.partitionedUntil.get(tillName) ?? 0) > this.scheduler.now || !this.hubAccepting;
      if (blocked || link.closed) {
        link.closed = true;
        link.till.emit('error', new Error(blocked ? 'connect ECONNREFUSED (simulated)' : 'closed before open'));
        link.till.finish(1006, '');
        return;
      }
      link.till.readyState = OPEN;
      link.hub.readyState = OPEN;
      this.accept(link.hub, tillName);
      link.till.emit('open');
    });
    return link.till;
  }

  /** Cuts the till's open connections (the hub notices later), and refuses new ones for `forMs`. */
  partition(tillName: string, forMs: number, hubLearnsMs: number): void {
    this.partitionedUntil.set(tillName, this.scheduler.now + forMs);
    for (const link of this.links.get(tillName) ?? []) link.cut(hubLearnsMs);
    this.count('partition');
  }

  /** Partitions end; links already black-holed stay silent until a side gives up on them. */
  heal(): void {
    this.partitionedUntil.clear();
  }

  /** Every connection ends at once on both sides: the hub process died. */
  dropAll(): void {
    for (const set of this.links.values()) {
      for (const link of set) {
        link.closed = true;
        link.till.finish(1006, 'hub gone');
        link.hub.finish(1006, 'hub gone');
      }
      set.clear();
    }
  }
}
