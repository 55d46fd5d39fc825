import { parseArgs } from 'node:util';
import { MeltRule } from '@fedow/protocol';
import { requireAsset } from '../directory/common';
import { setMeltPolicy } from '../money/melt';
import { sweepMelts } from '../money/melt-sweep';
import { meltHistory } from '../money/melt-policies';
import { meltReport, previewMelt } from '../money/melt-report';
import { integer, type Io, oneAction, print, required, UsageError, validate } from './io';
import { withContext } from './open';

const RULE_FLAGS = '(--rate BASIS_POINTS --after-days N | --fixed MINOR_UNITS --after-months N | --expiry-months N)';
export const MELT_USAGE = `fedow melt (--show | --set ${RULE_FLAGS} | --off | --preview ${RULE_FLAGS} | --report) --asset ID [--json]  |  fedow melt --sweep [--json]`;

const ACTIONS = ['show', 'set', 'off', 'preview', 'report', 'sweep'] as const;

/** Melting currency: show, set or stop an asset's rule, preview a rule over 12 months, the report, a sweep now. */
export async function meltCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...Object.fromEntries(ACTIONS.map((action) => [action, { type: 'boolean' as const }])),
      asset: { type: 'string' },
      rate: { type: 'string' },
      'after-days': { type: 'string' },
      fixed: { type: 'string' },
      'after-months': { type: 'string' },
      'expiry-months': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const action = oneAction(values, ACTIONS, 'melt');
  const json = values.json === true;
  if (action === 'sweep') {
    const result = await withContext(io, (context) => sweepMelts(context));
    print(io, json, { ...result }, () => [`swept: ${result.melts} melts booked (${result.melted} minor units) in ${result.requests} requests`]);
    return 0;
  }
  const asset = required(values, 'asset', action);
  // Bad flags are a usage error (exit 2), found before the database is opened.
  const rule = action === 'set' || action === 'preview' ? ruleOf(values) : null;
  return withContext(io, async (context) => {
    switch (action) {
      case 'show': {
        await requireAsset(context.storage.read, asset);
        const history = (await meltHistory(context.storage.read)).get(asset) ?? [];
        const last = history.at(-1);
        const policy = last && last.rule !== null ? last : null;
        print(io, json, { policy, history }, () => [policy ? `${describe(policy.rule!)} since ${policy.since} (melt wallet ${policy.wallet})` : 'does not melt']);
        return 0;
      }
      case 'set':
      case 'off': {
        const policy = await setMeltPolicy(context, asset, rule);
        print(io, json, { ...policy }, () => [policy.rule ? `melts from ${policy.since}: ${describe(policy.rule)}` : `stopped melting from ${policy.since}`]);
        return 0;
      }
      case 'preview': {
        const preview = await previewMelt(context, asset, rule!);
        print(io, json, { ...preview }, () => [`${describe(preview.rule)}: would have taken ${preview.taken} (minor units) from ${preview.balances} balances between ${preview.from} and ${preview.to}`]);
        return 0;
      }
      case 'report': {
        const report = await meltReport(context, asset);
        print(io, json, { ...report }, () => [
          ...report.revenue.map((row) => `${row.period}: ${row.amount} melted (${row.count} melts)`),
          ...report.survival.map((point) => `after ${point.month} months: ${point.toppedUp === 0 ? '–' : `${((100 * point.unspent) / point.toppedUp).toFixed(1)} %`} of top-ups unspent`),
        ]);
        return 0;
      }
    }
  });
}

function ruleOf(values: Record<string, unknown>): MeltRule {
  const number = (name: string) => integer(required(values, name, 'melt'), name);
  if (values.rate !== undefined) return validate(MeltRule, { rule: 'rate', basisPoints: number('rate'), afterDays: number('after-days') });
  if (values.fixed !== undefined) return validate(MeltRule, { rule: 'fixed', amount: number('fixed'), afterMonths: number('after-months') });
  if (values['expiry-months'] !== undefined) return validate(MeltRule, { rule: 'expiry', afterMonths: number('expiry-months') });
  throw new UsageError(`fedow melt: name a rule, ${RULE_FLAGS}`);
}

function describe(rule: MeltRule): string {
  switch (rule.rule) {
    case 'rate':
      return `${(rule.basisPoints / 100).toFixed(2)} % a month once ${rule.afterDays} days inactive`;
    case 'fixed':
      return `${rule.amount} (minor units) a month after ${rule.afterMonths} months inactive`;
    case 'expiry':
      return `the whole balance after ${rule.afterMonths} months inactive`;
  }
}
