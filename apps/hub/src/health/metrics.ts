import type { HubContext } from '../context';

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * Counters for `/metrics` (Prometheus text format), fed by the hub's events.
 * Per-till lag and connected tills are read live from the sync endpoint.
 */
export class Metrics {
  entriesReceived = 0;
  entriesApplied = 0;
  entriesRejected = 0;
  entriesDuplicate = 0;
  entriesQuarantined = 0;
  blocksSealed = 0;
  /** Seconds of the webhook deliverer's database work on the main thread, by whether tills were pushing. */
  readonly webhookWorkSeconds = { busy: 0, idle: 0 };
  private readonly latencyBuckets = LATENCY_BUCKETS_MS.map(() => 0);
  private latencyCount = 0;
  private latencySumMs = 0;

  constructor(context: HubContext) {
    context.events.on('ingested', (event) => {
      this.entriesApplied += event.applied;
      this.entriesRejected += event.rejected;
      this.entriesDuplicate += event.duplicates;
      this.entriesQuarantined += event.quarantined;
      this.entriesReceived += event.applied + event.rejected + event.duplicates + event.quarantined;
      this.observeLatency(event.latencyMs);
    });
    context.events.on('sealed', () => {
      this.blocksSealed++;
    });
    context.events.on('webhook-work', ({ ms, whileIngesting }) => {
      this.webhookWorkSeconds[whileIngesting ? 'busy' : 'idle'] += ms / 1000;
    });
  }

  private observeLatency(ms: number): void {
    this.latencyCount++;
    this.latencySumMs += ms;
    LATENCY_BUCKETS_MS.forEach((bound, index) => {
      if (ms <= bound) this.latencyBuckets[index]!++;
    });
  }

  render(live: { connectedTills: number; lag: { terminal: string; entries: number }[] }): string {
    const lines = [
      '# HELP fedow_entries_received_total Entries received from tills.',
      '# TYPE fedow_entries_received_total counter',
      `fedow_entries_received_total ${this.entriesReceived}`,
      '# HELP fedow_entries_total Entries by outcome.',
      '# TYPE fedow_entries_total counter',
      `fedow_entries_total{status="applied"} ${this.entriesApplied}`,
      `fedow_entries_total{status="rejected"} ${this.entriesRejected}`,
      `fedow_entries_total{status="duplicate"} ${this.entriesDuplicate}`,
      `fedow_entries_total{status="quarantined"} ${this.entriesQuarantined}`,
      '# HELP fedow_ingest_latency_ms From a push received to its ack, in milliseconds.',
      '# TYPE fedow_ingest_latency_ms histogram',
      ...LATENCY_BUCKETS_MS.map((bound, index) => `fedow_ingest_latency_ms_bucket{le="${bound}"} ${this.latencyBuckets[index]}`),
      `fedow_ingest_latency_ms_bucket{le="+Inf"} ${this.latencyCount}`,
      `fedow_ingest_latency_ms_sum ${this.latencySumMs}`,
      `fedow_ingest_latency_ms_count ${this.latencyCount}`,
      '# HELP fedow_connected_tills Tills connected to /sync.',
      '# TYPE fedow_connected_tills gauge',
      `fedow_connected_tills ${live.connectedTills}`,
      "# HELP fedow_till_lag_entries Entries a connected till holds that the hub has not acknowledged.",
      '# TYPE fedow_till_lag_entries gauge',
      ...live.lag.map(({ terminal, entries }) => `fedow_till_lag_entries{terminal="${terminal}"} ${entries}`),
      '# HELP fedow_blocks_sealed_total Blocks sealed by this process.',
      '# TYPE fedow_blocks_sealed_total counter',
      `fedow_blocks_sealed_total ${this.blocksSealed}`,
      "# HELP fedow_webhook_work_seconds_total The webhook deliverer's database work on the hub's main thread, by whether tills were pushing when it started.",
      '# TYPE fedow_webhook_work_seconds_total counter',
      `fedow_webhook_work_seconds_total{ingest="busy"} ${this.webhookWorkSeconds.busy}`,
      `fedow_webhook_work_seconds_total{ingest="idle"} ${this.webhookWorkSeconds.idle}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}
