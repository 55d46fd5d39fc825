/**
 * `npm run bench`: every benchmark prints its figure beside the limit it is
 * measured against, measured on this machine in the same run.
 * `npm run bench -- ledger hub` runs only the named groups.
 */
import { benchLedger } from './bench/ledger';
import { benchKiosk } from './bench/kiosk';
import { benchTerminal } from './bench/terminal';
import { benchVerify } from './bench/verify';
import { benchHub } from './bench/hub';
import { benchCompensation } from './bench/compensation';
import { benchCompat } from './bench/compat';
import { benchMelt } from './bench/melt';
import { benchScale } from './bench/scale';
import { benchLedgerSize } from './bench/ledger-size';

const groups: Record<string, () => Promise<void>> = {
  ledger: benchLedger,
  verify: benchVerify,
  terminal: benchTerminal,
  kiosk: benchKiosk,
  hub: benchHub,
  compensation: benchCompensation,
  compat: benchCompat,
  melt: benchMelt,
  scale: benchScale,
  // Builds a 10-million-transfer ledger per dialect on its first run (cached: FEDOW_BENCH_CACHE).
  size: benchLedgerSize,
};

// Named groups only: `size` builds two ledgers of 10 million transfers (about 50 minutes and 40 GB the first time).
const ON_REQUEST = new Set(['size']);

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(groups)) {
  if (wanted.length === 0 ? !ON_REQUEST.has(name) : wanted.includes(name)) await run();
}
