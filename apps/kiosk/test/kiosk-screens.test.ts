/**
 * The other screens of TILL.md, in real Chromium against the headless deployment
 * with a real hub and the simulator reader: card check colours, refund and void
 * with confirmation, membership sale, badge mode, close register (and its print
 * stylesheet), and the language switch. Driven from the keyboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SimulatorReader } from '@fedow/nfc';
import { CASHIER, launchChromium, pairThroughUi, screenshot, startHubWorld, startTill, waitFor, waitOnline, type HubWorld, type Till } from '../../../support/kiosk-world';

let browser: Browser;
let hub: HubWorld;
let till: Till;
let page: Page;
const simulator = new SimulatorReader({ name: 'ACS ACR122U (simulated)' });
const tap = (uid: string): void => {
  simulator.tap(uid);
  simulator.remove();
};

beforeAll(async () => {
  [browser, hub] = await Promise.all([launchChromium(), startHubWorld()]);
  till = await startTill(browser, simulator);
  page = till.page;
  await pairThroughUi(page, hub, 'Bar screens');
  await waitOnline(till.agent);
  tap('04AAAA01'); // not a cashier card: refused on the locked screen
  await page.locator('#locked-error').waitFor();
  tap(CASHIER);
  await page.locator('#screen-sale').waitFor();
});
afterAll(async () => {
  await till?.close();
  await browser?.close();
  await hub?.close();
});

async function acknowledged(): Promise<void> {
  await waitFor(() => till.agent.snapshot().sync.pendingCount === 0, 10_000, 'every entry acknowledged');
}

describe('kiosk screens', () => {
  it('checks cards: orange anonymous with its balance, red unknown, green member after a membership sale', async () => {
    const [anonymousCard, memberCard] = [hub.seeded.cards[0]!, hub.seeded.cards[1]!];
    expect((await till.agent.topUp({ amount: 1200, payment: 'cash' }, anonymousCard)).approve).toBe(true);
    await page.keyboard.press('F3');
    await page.locator('#screen-check').waitFor();
    tap(anonymousCard);
    await page.locator('#check-result').waitFor();
    expect(await page.locator('#standing').getAttribute('data-standing')).toBe('anonymous');
    expect(await page.locator('#check-result').textContent()).toContain('12.00 MLA');
    expect(await page.locator('#check-result .recent li').count()).toBe(1);
    await screenshot(page, 'check-anonymous');

    await page.keyboard.press('Enter'); // check another card
    await expect.poll(() => page.locator('#check-result').count()).toBe(0);
    tap('0499FF01');
    await page.locator('#check-result').waitFor();
    expect(await page.locator('#standing').getAttribute('data-standing')).toBe('unknown');
    await screenshot(page, 'check-unknown');

    // Membership: F5, choose the asset (a), price 15.00 on the keypad, bank card, Enter, tap.
    await page.keyboard.press('F5');
    await page.locator('#screen-membership').waitFor();
    await page.keyboard.press('a');
    for (const digit of '1500') await page.keyboard.press(digit);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    tap(memberCard);
    await page.locator('#result[data-outcome="approved"]').waitFor();
    await screenshot(page, 'membership-approved');
    await acknowledged();
    await waitFor(() => till.agent.cache.lookup(memberCard)?.state.membership?.[hub.assets.membership] !== undefined, 10_000, 'the hub to push the membership');

    // Any tap with nothing armed is a card check, from any screen: now green.
    await page.keyboard.press('F1');
    tap(memberCard);
    await page.locator('#result.check').waitFor();
    expect(await page.locator('#result #standing').getAttribute('data-standing')).toBe('member');
    expect(await page.locator('#result').textContent()).toContain('Adhésion 2026');
    await screenshot(page, 'check-member');
    await page.keyboard.press('Escape');
  });

  it('refunds after showing the amount and asking to confirm, and voids a card', async () => {
    const [refunded, voided] = [hub.seeded.cards[3]!, hub.seeded.cards[4]!];
    for (const card of [refunded, voided]) expect((await till.agent.topUp({ amount: 800, payment: 'cash' }, card)).approve).toBe(true);
    await acknowledged();
    await waitFor(async () => (await hub.balance(voided, hub.seeded.local)) === 800, 10_000, 'the hub to hold the top-ups');

    await page.keyboard.press('F4');
    await page.locator('#screen-refund').waitFor();
    await page.keyboard.press('Enter'); // refund mode is the default: tap the card
    // A tap before the till has armed the refund's card check is a plain card check.
    await page.locator('#waiting').waitFor();
    tap(refunded);
    await page.locator('#refund-preview').waitFor();
    expect(await page.locator('#refund-preview').textContent()).toContain('8.00 MLA');
    await screenshot(page, 'refund-confirm');
    await page.keyboard.press('Enter');
    await page.locator('#result[data-outcome="approved"]').waitFor();
    expect(await page.locator('#charged').textContent()).toBe('− 8.00 MLA');
    await page.keyboard.press('Escape');

    await page.keyboard.press('b'); // void mode
    await page.locator('#mode-void.active').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#waiting').waitFor();
    tap(voided);
    await page.locator('#refund-preview').waitFor();
    await page.keyboard.press('Enter');
    await page.locator('#result[data-outcome="approved"]').waitFor();
    await page.keyboard.press('Escape');
    await acknowledged();
    await waitFor(async () => (await hub.balance(refunded, hub.seeded.local)) === 0 && (await hub.balance(voided, hub.seeded.local)) === 0, 10_000, 'the hub to apply refund and void');
  });

  it('runs badge mode: every tap of a known card is a passage, an unknown card is refused, until Escape', async () => {
    await page.keyboard.press('F6');
    await page.locator('#screen-badge').waitFor();
    await page.keyboard.press('a');
    await page.keyboard.press('Enter');
    await page.locator('#badge-on').waitFor();
    const passages = () => till.agent.journal.entriesFrom(1, 100).filter((entry) => entry.body.kind === 'BDG').length;
    for (const [index, card] of [hub.seeded.cards[0]!, hub.seeded.cards[1]!].entries()) {
      tap(card);
      await waitFor(() => passages() === index + 1, 5_000, 'a passage');
      await page.locator('#result[data-outcome="approved"]').waitFor();
      expect(await page.locator('#result .verdict').textContent()).toBe('Passage');
    }
    await screenshot(page, 'badge-passage');
    tap('0499FF02');
    await page.locator('#result[data-outcome="declined"]').waitFor();
    expect(await page.locator('#decline-reason').textContent()).toBe('Unknown card');
    expect(till.agent.snapshot().armed?.kind).toBe('badge');
    await page.keyboard.press('Escape'); // the verdict
    await page.keyboard.press('Escape'); // badge mode
    await expect.poll(() => page.locator('#badge-on').count()).toBe(0);
    expect(till.agent.snapshot().armed).toBeNull();
    expect(passages()).toBe(2);
  });

  it('closes the register with totals per asset and payment method, printable, and switches to French', async () => {
    await page.keyboard.press('F9');
    await expect.poll(() => page.locator('#tab-sale').textContent()).toContain('Vente');
    await page.keyboard.press('F7');
    await page.locator('#register-report').waitFor();
    const report = await page.locator('#register-report').textContent();
    expect(report).toContain('Recharge');
    expect(report).toContain('Remboursement');
    expect(report).toContain('Annulation de carte');
    expect(await page.locator('[data-payment="card"]').textContent()).toBe('15,00 ADH');
    await screenshot(page, 'close-register');

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#status-region').isVisible()).toBe(false);
    expect(await page.locator('#register-report').isVisible()).toBe(true);
    await screenshot(page, 'close-register-print');
    await page.emulateMedia({ media: 'screen' });

    await page.keyboard.press('Enter');
    await page.locator('#screen-locked').waitFor();
    expect(till.agent.snapshot().session).toBeNull();
    expect(await page.locator('#register-report').textContent()).toContain('Dernière clôture');
    await screenshot(page, 'closed-locked');
  });
});
