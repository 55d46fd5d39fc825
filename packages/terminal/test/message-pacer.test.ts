import { describe, expect, it } from 'vitest';
import { SYNC_MESSAGES_PER_SECOND_MAX, SYNC_TILL_MESSAGES_PER_SECOND } from '@fedow/protocol';
import { MessagePacer } from '../src/sync/message-pacer';

describe('the till’s message pacer', () => {
  it('lets a burst go, then spaces pushes so that the hub’s budget for the till never runs dry', () => {
    const pacer = new MessagePacer(SYNC_TILL_MESSAGES_PER_SECOND, 0);
    const sent: number[] = [];
    // A till selling as fast as it can for 3 s: it pushes whenever the pacer lets it.
    for (let now = 0; now < 3_000; now += 1) {
      if (pacer.waitMs(now) === 0) {
        pacer.spend(now);
        sent.push(now);
      }
    }
    // The hub's bucket of this till (apps/hub/src/sync/rate-limits.ts): it must never run dry.
    let tokens = SYNC_MESSAGES_PER_SECOND_MAX;
    let at = 0;
    for (const time of sent) {
      tokens = Math.min(SYNC_MESSAGES_PER_SECOND_MAX, tokens + ((time - at) * SYNC_MESSAGES_PER_SECOND_MAX) / 1_000);
      at = time;
      expect(tokens).toBeGreaterThanOrEqual(1);
      tokens -= 1;
    }
    expect(sent.length).toBeGreaterThan(2 * SYNC_TILL_MESSAGES_PER_SECOND);
  });

  it('counts the messages sent without waiting (updated, pings) against the pushes', () => {
    const pacer = new MessagePacer(10, 0);
    for (let index = 0; index < 12; index++) pacer.spend(0);
    expect(pacer.waitMs(0)).toBe(300);
    expect(pacer.waitMs(300)).toBe(0);
  });
});
