/**
 * The directory (src/directory) edits rows that move no money: places, assets,
 * federations, cards, products, terminals. Anything that records a ledger request
 * or a transfer (an asset's FST, a lost card) lives on the money path (src/money),
 * where one-path.test.ts and `fedow verify` watch it. This fails when directory code
 * submits a request again, directly or through a money module that does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const directory = fileURLToPath(new URL('../src/directory', import.meta.url));

/** Calls that record a request, and the money modules whose exports do. */
const LEDGER_WRITES = [
  /\b(?:submitRequest|applyRequest|recordFirst|decideLost|decideFirst)\b/,
  /from '\.\.\/money\/(?:submit|first|lost|new-asset)'/,
];

function offences(text: string): RegExp[] {
  return LEDGER_WRITES.filter((pattern) => pattern.test(text));
}

describe('the directory writes no ledger', () => {
  it('has no module that submits a request or imports one that does', () => {
    const found = readdirSync(directory)
      .filter((name) => name.endsWith('.ts'))
      .flatMap((name) => offences(readFileSync(join(directory, name), 'utf8')).map((pattern) => `${name}: ${pattern}`));
    expect(found).toEqual([]);
  });

  it('would catch the writes the directory used to make (the check is not vacuous)', () => {
    expect(offences("import { recordFirst } from '../money/first';")).toHaveLength(2);
    expect(offences('const outcome = await submitRequest(context, { kind: \'lost\' });')).toHaveLength(1);
    expect(offences("import { declareLost } from '../money/lost';")).toHaveLength(1);
  });
});
