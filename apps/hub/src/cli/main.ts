/**
 * `fedow <command> …`: the hub operator's command line. Each command group works on
 * the database directly (DATABASE_URL) through the same domain services as the admin
 * API. Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 bad usage.
 */
import { HubError } from '../errors';
import { assetsCommand, ASSETS_USAGE } from './assets';
import { backupCommand, BACKUP_USAGE, restoreCommand } from './backup';
import { cardsCommand, CARDS_USAGE } from './cards';
import { compensateCommand, COMPENSATE_USAGE } from './compensate';
import { correctCommand, CORRECT_USAGE } from './correct';
import { BANK_DEPOSIT_ALIAS_USAGE, depositCommand, DEPOSIT_USAGE } from './deposit';
import { federationsCommand, FEDERATIONS_USAGE } from './federations';
import { importFedowCommand, IMPORT_FEDOW_USAGE } from './import-fedow';
import { type Io, UsageError } from './io';
import { meltCommand, MELT_USAGE } from './melt';
import { payoutsCommand, PAYOUTS_USAGE } from './payouts';
import { placesCommand, PLACES_USAGE } from './places';
import { checkoutCommand, CHECKOUT_USAGE, refundCommand, REFUND_USAGE, topupCommand, TOPUP_USAGE } from './payments';
import { productsCommand, PRODUCTS_USAGE } from './products';
import { serveCommand, SERVE_USAGE } from './serve';
import { shiftsCommand, SHIFTS_USAGE } from './shifts';
import { terminalsCommand, TERMINALS_USAGE } from './terminals';
import { timeCommand, TIME_USAGE } from './time';
import { usersCommand, USERS_USAGE } from './users';
import { tokensCommand, TOKENS_USAGE } from './tokens';
import { verifyCommand, VERIFY_USAGE } from './verify';
import { webhooksCommand, WEBHOOKS_USAGE, WEBHOOK_EVENTS_HELP } from './webhooks';

const COMMANDS: Record<string, { run: (args: string[], io: Io) => Promise<number>; usage: string }> = {
  places: { run: placesCommand, usage: PLACES_USAGE },
  assets: { run: assetsCommand, usage: ASSETS_USAGE },
  federations: { run: federationsCommand, usage: FEDERATIONS_USAGE },
  cards: { run: cardsCommand, usage: CARDS_USAGE },
  users: { run: usersCommand, usage: USERS_USAGE },
  terminals: { run: terminalsCommand, usage: TERMINALS_USAGE },
  products: { run: productsCommand, usage: PRODUCTS_USAGE },
  payouts: { run: payoutsCommand, usage: PAYOUTS_USAGE },
  deposit: { run: depositCommand, usage: DEPOSIT_USAGE },
  global_asset_bank_stripe_deposit: { run: depositCommand, usage: BANK_DEPOSIT_ALIAS_USAGE },
  topup: { run: topupCommand, usage: TOPUP_USAGE },
  refund: { run: refundCommand, usage: REFUND_USAGE },
  checkout: { run: checkoutCommand, usage: CHECKOUT_USAGE },
  serve: { run: serveCommand, usage: SERVE_USAGE },
  verify: { run: verifyCommand, usage: VERIFY_USAGE },
  backup: { run: backupCommand, usage: BACKUP_USAGE },
  restore: { run: restoreCommand, usage: BACKUP_USAGE },
  tokens: { run: tokensCommand, usage: TOKENS_USAGE },
  correct: { run: correctCommand, usage: CORRECT_USAGE },
  compensate: { run: compensateCommand, usage: COMPENSATE_USAGE },
  time: { run: timeCommand, usage: TIME_USAGE },
  'import-fedow': { run: importFedowCommand, usage: IMPORT_FEDOW_USAGE },
  webhooks: { run: webhooksCommand, usage: WEBHOOKS_USAGE },
  melt: { run: meltCommand, usage: MELT_USAGE },
  shifts: { run: shiftsCommand, usage: SHIFTS_USAGE },
};

const USAGE = [
  'usage:',
  ...Object.values(COMMANDS).map((command) => `  ${command.usage}`),
  'environment: FEDOW_DATA_DIR (default ./data: the database and the key), DATABASE_URL (default sqlite:$FEDOW_DATA_DIR/fedow.sqlite), HUB_KEY_FILE, HUB_KEY; FEDOW_SEPA_NAME, FEDOW_SEPA_IBAN, FEDOW_SEPA_BIC (payout and compensation files); FEDOW_COMPENSATION (off, monthly, weekly: compensation on a schedule); STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET (payments)',
  'amounts: integers in cents (minor units)',
  `webhooks: ${WEBHOOK_EVENTS_HELP}; FEDOW_WEBHOOK_TIMEOUT_MS, FEDOW_WEBHOOK_RETRY_FIRST_MS, FEDOW_WEBHOOK_RETRY_MAX_MS, FEDOW_WEBHOOK_RETRY_FOR_MS`,
].join('\n');

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`fedow: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    return report(error, command.usage, io, args.includes('--json'));
  }
}

/**
 * One line for the operator on stderr (the stack only for bugs, and only with
 * FEDOW_DEBUG=1); with --json, one object `{"error": {code, message}}` on stdout
 * instead, as every result is. Exit codes: 2 a usage mistake, 1 anything else.
 */
function report(error: unknown, usage: string, io: Io, json: boolean): number {
  const usageMistake = error instanceof UsageError || isParseArgsError(error);
  const code = usageMistake ? 'usage' : error instanceof HubError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: { code, message, ...(usageMistake ? { usage } : {}) } })}\n`);
  } else if (usageMistake) {
    io.stderr.write(`fedow: ${message}\nusage: ${usage}\n`);
  } else {
    io.stderr.write(`fedow: ${message}${error instanceof HubError ? ` (${code})` : ''}\n`);
  }
  if (!usageMistake && !(error instanceof HubError) && process.env.FEDOW_DEBUG === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return usageMistake ? 2 : 1;
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_');
}

