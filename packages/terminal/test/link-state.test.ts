import { describe, expect, it } from 'vitest';
import {
  CONTACT_WRITE_MS_MIN,
  acked,
  connecting,
  contacted,
  initialLink,
  reportedState,
  restarted,
  retryScheduled,
  welcomed,
  withStatus,
} from '../src/sync/link-state';
import { T0 } from './helpers';

const JOURNAL = { headSeq: 10, pendingCount: 4, lastWelcomeAt: null };

describe('sync link state', () => {
  it('starts stopped, offline since the last contact stored, or since now when there was none', () => {
    expect(initialLink(T0 - 5_000, T0)).toMatchObject({ status: 'stopped', reason: 'stopped', offlineSince: T0 - 5_000, attempt: 0 });
    expect(initialLink(null, T0).offlineSince).toBe(T0);
  });

  it('counts the offline period from the last contact when the link drops, not from the drop', () => {
    const online = welcomed(connecting(restarted(initialLink(null, T0)), T0), T0 + 1_000, 3);
    const heard = contacted(online, T0 + 9_000).link;
    const dropped = withStatus(heard, 'offline', 'closed', 'closed with 1006', T0 + 60_000);
    expect(dropped).toMatchObject({ status: 'offline', reason: 'closed', offlineSince: T0 + 9_000 });
    // Already offline: another failure does not move the start of the period.
    expect(withStatus(dropped, 'offline', 'connect_failed', 'refused', T0 + 90_000).offlineSince).toBe(T0 + 9_000);
  });

  it('writes contact to disk at most once per CONTACT_WRITE_MS_MIN, and always remembers it in memory', () => {
    const online = welcomed(initialLink(null, T0), T0, 0);
    const soon = contacted(online, T0 + CONTACT_WRITE_MS_MIN - 1);
    expect(soon).toMatchObject({ write: false, link: { lastContactAt: T0 + CONTACT_WRITE_MS_MIN - 1, contactWrittenAt: T0 } });
    const later = contacted(soon.link, T0 + CONTACT_WRITE_MS_MIN);
    expect(later).toMatchObject({ write: true, link: { contactWrittenAt: T0 + CONTACT_WRITE_MS_MIN } });
  });

  it('doubles the backoff exponent per attempt and starts a new series at the welcome', () => {
    const twice = retryScheduled(retryScheduled(initialLink(null, T0), 20), 40);
    expect(twice).toMatchObject({ attempt: 2, retryInMs: 40 });
    const attempt = connecting(twice, T0);
    expect(attempt.retryInMs).toBeUndefined();
    expect(welcomed(attempt, T0, 0).attempt).toBe(0);
  });

  it('keeps the last failure on screen while connecting again, but not a stop', () => {
    const failed = withStatus(initialLink(null, T0), 'offline', 'silence', 'no message', T0);
    expect(connecting(failed, T0)).toMatchObject({ status: 'connecting', reason: 'silence', message: 'no message' });
    expect(connecting(initialLink(null, T0), T0).reason).toBeUndefined();
  });

  it('moves the hub head forward only', () => {
    const link = acked(welcomed(initialLink(null, T0), T0, 7), 5);
    expect(link.hubLastSeq).toBe(7);
    expect(acked(link, 9).hubLastSeq).toBe(9);
  });

  it('reports lag from the hub head when known, else the pending count; retry delay only offline', () => {
    const fresh = initialLink(null, T0);
    expect(reportedState(fresh, JOURNAL)).toMatchObject({ status: 'stopped', lagEntries: 4, pendingCount: 4, offlineSince: T0 });
    const online = welcomed(fresh, T0, 8);
    expect(reportedState(online, JOURNAL)).toMatchObject({ status: 'online', lagEntries: 2, offlineSince: null });
    expect(reportedState(online, JOURNAL)).not.toHaveProperty('reason');
    const waiting = withStatus(retryScheduled(online, 300), 'offline', 'closed', 'closed', T0 + 1);
    expect(reportedState(waiting, JOURNAL)).toMatchObject({ status: 'offline', retryInMs: 300, reason: 'closed' });
    expect(reportedState(withStatus(waiting, 'stopped', 'fork', 'fork', T0 + 2), JOURNAL)).not.toHaveProperty('retryInMs');
  });
});
