import { decimalAmount } from '@fedow/protocol';
import type { Language } from '../dashboard/html';
import type { HubContext } from '../context';
import { HubError } from '../errors';
import * as repo from '../storage/repo';
import type { Tx } from '../storage/types';

/**
 * What a compensation run booked, read back from its request and its `CMP`
 * transfers (the ledger is the only record: nothing else is stored), and each
 * party's statement as printable HTML and CSV.
 */

export interface RunParty {
  wallet: string;
  name: string;
  /** The place's id; null for the federation (the primary wallet, FED's issuer). */
  place: string | null;
}

export interface RunView {
  request: string;
  federation: { id: string; name: string };
  from: string;
  to: string;
  bookedAt: string;
  /** The unit of the settlement (FED): its code and decimals. */
  unit: { code: string; decimals: number };
  parties: RunParty[];
  /** What `holder` sold and returned to `issuer`. */
  claims: { holder: string; issuer: string; asset: string; code: string; amount: number }[];
  /** `id`: the CMP transfer's, the end-to-end id of its bank transfer. */
  payments: { id: string; debtor: string; creditor: string; amount: number }[];
}

export async function loadRun(context: HubContext, requestId: string): Promise<RunView> {
  const tx = context.storage.read;
  const [request] = await repo.getRequests(tx, [requestId]);
  if (!request || request.kind !== 'compensation' || request.source !== 'hub') throw new HubError('not_found', `no compensation run ${requestId}`);
  if (request.status !== 'applied') throw new HubError('conflict', `compensation run ${requestId} was refused: ${request.reason ?? ''}`);
  return runView(tx, request);
}

/** Every applied run of a federation, the latest first. */
export async function listRuns(context: HubContext, federation: string | null, limit: number): Promise<RunView[]> {
  const tx = context.storage.read;
  const requests = (await repo.listCompensationRequests(tx, 100_000)).filter((request) => request.status === 'applied');
  const wanted = requests.filter((request) => federation === null || (JSON.parse(request.body) as { federation: string }).federation === federation);
  return Promise.all(wanted.reverse().slice(0, limit).map((request) => runView(tx, request)));
}

async function runView(tx: Tx, request: repo.Request): Promise<RunView> {
  const body = JSON.parse(request.body) as { federation: string; from: string; to: string };
  const federation = await repo.getFederation(tx, body.federation);
  const transfers = await repo.getTransfersByRequest(tx, [request.id]);
  const assets = new Map((await repo.listAssets(tx)).map((asset) => [asset.id, asset]));
  const unit = [...assets.values()].find((asset) => asset.category === 'FED');
  const places = await repo.listPlaces(tx);
  const primary = await repo.getPrimaryWallet(tx);
  const part = (meta: string | null) => (JSON.parse(meta ?? '{}') as { part?: string }).part;
  const claims = transfers
    .filter((transfer) => part(transfer.meta) === 'claim')
    .map((transfer) => ({ holder: transfer.senderWalletId, issuer: transfer.receiverWalletId, asset: transfer.assetId, code: assets.get(transfer.assetId)?.currencyCode ?? '?', amount: transfer.amount }));
  const payments = transfers
    .filter((transfer) => part(transfer.meta) === 'settle')
    .map((transfer) => ({ id: transfer.id, debtor: transfer.senderWalletId, creditor: transfer.receiverWalletId, amount: transfer.amount }));
  const wallets = new Set([...claims.flatMap((claim) => [claim.holder, claim.issuer]), ...payments.flatMap((payment) => [payment.debtor, payment.creditor])]);
  const parties: RunParty[] = places.filter((place) => wallets.has(place.walletId)).map((place) => ({ wallet: place.walletId, name: place.name, place: place.id }));
  if (primary && wallets.has(primary.id)) parties.push({ wallet: primary.id, name: federation?.name ?? 'federation', place: null });
  return {
    request: request.id,
    federation: { id: body.federation, name: federation?.name ?? body.federation },
    from: body.from,
    to: body.to,
    bookedAt: request.receivedAt,
    unit: { code: unit?.currencyCode ?? 'EUR', decimals: unit?.decimals ?? 2 },
    parties,
    claims,
    payments,
  };
}

/** A party's net position: what it is owed (+) or owes (−). */
export function netOf(run: RunView, wallet: string): number {
  let net = 0;
  for (const claim of run.claims) {
    if (claim.holder === wallet) net += claim.amount;
    if (claim.issuer === wallet) net -= claim.amount;
  }
  return net;
}

/** The gross claims between parties: matrix[holder][issuer] = Σ amount, over every asset. */
export function claimMatrix(run: RunView): Map<string, Map<string, number>> {
  const matrix = new Map<string, Map<string, number>>();
  for (const claim of run.claims) {
    const row = matrix.get(claim.holder) ?? new Map<string, number>();
    row.set(claim.issuer, (row.get(claim.issuer) ?? 0) + claim.amount);
    matrix.set(claim.holder, row);
  }
  return matrix;
}

function partyOf(run: RunView, wallet: string): RunParty {
  const party = run.parties.find((candidate) => candidate.wallet === wallet);
  if (!party) throw new HubError('not_found', `the run ${run.request} has nothing for ${wallet}`);
  return party;
}

type Line = { kind: 'claim_held' | 'claim_owed' | 'payment_in' | 'payment_out' | 'net'; counterparty: string; code: string; amount: number };

/** One party's lines: its claims on others, others' claims on it, the payments it makes and receives, its net. */
export function statementLines(run: RunView, wallet: string): Line[] {
  const name = (id: string) => run.parties.find((party) => party.wallet === id)?.name ?? id;
  return [
    ...run.claims.filter((claim) => claim.holder === wallet).map((claim): Line => ({ kind: 'claim_held', counterparty: name(claim.issuer), code: claim.code, amount: claim.amount })),
    ...run.claims.filter((claim) => claim.issuer === wallet).map((claim): Line => ({ kind: 'claim_owed', counterparty: name(claim.holder), code: claim.code, amount: -claim.amount })),
    ...run.payments.filter((payment) => payment.creditor === wallet).map((payment): Line => ({ kind: 'payment_in', counterparty: name(payment.debtor), code: run.unit.code, amount: payment.amount })),
    ...run.payments.filter((payment) => payment.debtor === wallet).map((payment): Line => ({ kind: 'payment_out', counterparty: name(payment.creditor), code: run.unit.code, amount: -payment.amount })),
    { kind: 'net', counterparty: '', code: run.unit.code, amount: netOf(run, wallet) },
  ];
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function statementCsv(run: RunView, wallet: string): string {
  const party = partyOf(run, wallet);
  const header = ['federation', 'from', 'to', 'party', 'line', 'counterparty', 'asset', 'amount'];
  const rows = statementLines(run, wallet).map((line) => [run.federation.name, run.from, run.to, party.name, line.kind, line.counterparty, line.code, decimalAmount(line.amount, run.unit.decimals)]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

const WORDS = {
  en: {
    title: 'Compensation statement',
    period: 'Period:',
    booked: 'Booked:',
    run: 'Run:',
    claim_held: 'Our claim on',
    claim_owed: 'Claim on us by',
    payment_in: 'Payment received from',
    payment_out: 'Payment to make to',
    net: 'Net position',
    counterparty: 'Line',
    asset: 'Currency',
    amount: 'Amount',
    note: 'Claims are the sales made in the period against currencies issued by another party and still held; they were returned to their issuer when the run was booked. Payments between places are bank transfers to make; the federation pays its own by SEPA transfer.',
  },
  fr: {
    title: 'Relevé de compensation',
    period: 'Période :',
    booked: 'Comptabilisé le :',
    run: 'Compensation :',
    claim_held: 'Notre créance sur',
    claim_owed: 'Créance sur nous de',
    payment_in: 'Paiement reçu de',
    payment_out: 'Paiement à faire à',
    net: 'Position nette',
    counterparty: 'Ligne',
    asset: 'Monnaie',
    amount: 'Montant',
    note: "Les créances sont les ventes de la période payées dans une monnaie émise par un autre et encore détenue ; elles sont rendues à leur émetteur quand la compensation est comptabilisée. Les paiements entre lieux sont des virements à faire ; la fédération fait les siens par virement SEPA.",
  },
} as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A page to print (or save as PDF from the browser): one party, one run. */
export function statementHtml(run: RunView, wallet: string, language: Language): string {
  const party = partyOf(run, wallet);
  const words = WORDS[language];
  const number = (amount: number) =>
    new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { minimumFractionDigits: run.unit.decimals, maximumFractionDigits: run.unit.decimals }).format(amount / 10 ** run.unit.decimals);
  const rows = statementLines(run, wallet)
    .map((line) => `<tr class="${line.kind}"><td>${escapeHtml(`${words[line.kind]} ${line.counterparty}`.trim())}</td><td>${escapeHtml(line.code)}</td><td class="amount">${escapeHtml(number(line.amount))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${words.title} — ${party.name}`)}</title>
<style>
body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ccc; padding: .3em .5em; text-align: left; }
td.amount { text-align: right; font-variant-numeric: tabular-nums; }
tr.net td { font-weight: bold; border-top: 2px solid #000; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${escapeHtml(words.title)}</h1>
<p><strong>${escapeHtml(party.name)}</strong> — ${escapeHtml(run.federation.name)}</p>
<p>${escapeHtml(words.period)} ${escapeHtml(run.from)} → ${escapeHtml(run.to)}<br>${escapeHtml(words.booked)} ${escapeHtml(run.bookedAt)}<br>${escapeHtml(words.run)} <code>${escapeHtml(run.request)}</code></p>
<table>
<thead><tr><th>${escapeHtml(words.counterparty)}</th><th>${escapeHtml(words.asset)}</th><th>${escapeHtml(words.amount)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>${escapeHtml(words.note)}</small></p>
</body>
</html>
`;
}
