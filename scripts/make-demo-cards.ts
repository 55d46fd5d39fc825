/**
 * Writes fixtures/demo/cards.csv: 200 visitor cards and 4 cashier cards in
 * TiBillet's factory format `qr_url,number,tag_id`, deterministic so the demo
 * and the tests can name cards. `node --import tsx scripts/make-demo-cards.ts`
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const lines = ['qr_url,number,tag_id'];
for (let index = 1; index <= 204; index++) {
  const qr = uuidFrom(`fedow-demo-card-${index}`);
  // Cashier cards are the last four: CA5A0001.. for the bars' staff.
  const tag = index > 200 ? `CA5A000${index - 200}` : `04${(0xd00000 + index).toString(16).toUpperCase()}`;
  lines.push(`https://demo.fedow.invalid/qr/${qr},${qr.slice(0, 8).toUpperCase()},${tag}`);
}
writeFileSync(join(import.meta.dirname, '..', 'fixtures', 'demo', 'cards.csv'), `${lines.join('\n')}\n`);
console.log(`wrote ${lines.length - 1} cards`);
