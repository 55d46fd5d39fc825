import { parseArgs } from 'node:util';
import { importFedow, type ImportReport } from '../fedow-import/import-fedow';
import { progressBar } from './cards';
import { type Io, print, table, UsageError } from './io';
import { withContext } from './open';
import { inUnit } from './users';

export const IMPORT_FEDOW_USAGE = 'fedow import-fedow <database URL of the original: sqlite:PATH, PATH or postgres://…> [--dry-run] [--json]';

/**
 * Moves an original Fedow here. Exit 0 when the original's totals equal the
 * opening balances recorded; 1 when one was refused or a total differs.
 */
export async function importFedowCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) throw new UsageError('fedow import-fedow takes one argument: the database URL of the original Fedow');
  const dryRun = values['dry-run'];
  const progress = values.json || dryRun ? undefined : progressBar(io, 'opening balances');
  return withContext(io, async (context) => {
    const report = await importFedow(context, positionals[0]!, { dryRun, progress });
    print(io, values.json, { ...report }, () => humanReport(report));
    return report.refused.length === 0 && (dryRun || report.totalsEqual) ? 0 : 1;
  });
}

const ROWS = ['places', 'assets', 'federations', 'users', 'wallets', 'cards', 'primaryCards', 'apiKeys', 'walletKeys', 'openings'] as const;

function humanReport(report: ImportReport): string[] {
  const verb = report.dryRun ? 'would import' : 'imported';
  return [
    `original Fedow: ${report.source}${report.dryRun ? ' (dry run: nothing written)' : ''}`,
    ...table([['', 'in the original', verb], ...ROWS.map((row) => [row === 'openings' ? 'opening balances' : row, String(report.found[row]), String(report.imported[row])])]),
    'totals per asset (original | recorded opening balances):',
    ...table(report.totals.map((total) => [`  ${total.name}`, inUnit(total.original, total), inUnit(total.booked, total), total.original === total.booked ? 'equal' : report.dryRun ? 'to import' : 'DIFFERENT'])),
    ...report.refused.map((refusal) => `refused: wallet ${refusal.wallet}, asset ${refusal.asset}, ${refusal.amount}: ${refusal.message}`),
    ...report.notes.map((note) => `note: ${note}`),
    report.dryRun ? 'dry run: run again without --dry-run to import' : report.totalsEqual && report.refused.length === 0 ? 'totals equal: the import is complete' : 'the import is NOT complete: see above',
  ];
}
