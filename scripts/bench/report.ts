/** A benchmark figure printed beside the limit it is measured against. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  limit: number;
  limitName: string;
  /** 'higher' when more is better (throughput), 'lower' for latency and memory. */
  better: 'higher' | 'lower';
  goal?: string;
}

const figures: Figure[] = [];

export function report(figure: Figure): void {
  figures.push(figure);
  const ratio = figure.better === 'higher' ? figure.value / figure.limit : figure.limit / figure.value;
  const goal = figure.goal ? `  goal: ${figure.goal}` : '';
  console.log(
    `${figure.name.padEnd(52)} ${format(figure.value).padStart(12)} ${figure.unit.padEnd(10)} | limit ${format(figure.limit).padStart(12)} ${figure.unit.padEnd(10)} (${figure.limitName}) ${percentDown(ratio).padStart(6)} %${goal}`,
  );
}

/**
 * A ratio as a percentage with one decimal, rounded down: a share of 69.97 % is
 * "69.9", never "70", beside a goal of "≥ 70 %" that it does not meet.
 */
export function percentDown(ratio: number): string {
  return (Math.floor(ratio * 1000) / 10).toFixed(1);
}

export function allFigures(): readonly Figure[] {
  return figures;
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1_000, batch = 100): number {
  for (let index = 0; index < batch; index++) fn(); // warm up
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < ms) {
    for (let index = 0; index < batch; index++) fn();
    count += batch;
  }
  return count / ((performance.now() - start) / 1_000);
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
