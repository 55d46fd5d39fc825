/** The turnover report as CSV for a spreadsheet: one row per line, amounts in the asset's unit. */
import { decimalAmount } from '@fedow/protocol';
import type * as repo from '../storage/repo';
import type { TurnoverReport } from './turnover';

const HEADER = ['day', 'place', 'till', 'cashier_card', 'kind', 'asset', 'currency_code', 'method', 'count', 'amount'];

export function turnoverCsv(report: TurnoverReport, assets: ReadonlyMap<string, repo.Asset>): string {
  const rows = report.lines.map((line) => {
    const asset = assets.get(line.asset);
    return [
      line.day,
      line.place === null ? '' : (report.names.places[line.place] ?? line.place),
      line.till === null ? '' : (report.names.tills[line.till] ?? line.till),
      line.cashier ?? '',
      line.kind,
      asset?.name ?? line.asset,
      asset?.currencyCode ?? '',
      line.method,
      String(line.count),
      // A plain decimal with a point ("1250" with 2 decimals → "12.50"): what spreadsheets parse.
      decimalAmount(line.amount, asset?.decimals ?? 0),
    ];
  });
  // CRLF, as RFC 4180 writes it; spreadsheets read both.
  return [HEADER, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Quoted when it holds a separator, a quote or a line break; a leading =+-@ is neutralised (spreadsheet formulas). */
function cell(text: string): string {
  const safe = /^[=+\-@]/.test(text) && !/^-\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
