/**
 * The view choice: which HTML each of the page's five regions shows for a state.
 * Pure (state in, strings out); the parent replaces a region's DOM only when its
 * string changed, so a sync heartbeat does not disturb a form being typed in.
 */
import { esc } from './html';
import type { Screen, UiState } from './state';
import { footer, nav, overlay, statusBar } from './views-frame';
import { badgeScreen, checkScreen, closeScreen, lockedScreen, membershipScreen, pairingScreen, refundScreen, saleScreen, topUpScreen } from './views-screens';
import { shiftScreen } from './views-shift';

export const REGIONS = ['status', 'nav', 'main', 'overlay', 'footer'] as const;
export type Region = (typeof REGIONS)[number];

/** The page's skeleton: one element per region, filled by `regionHtml`. */
export const REGIONS_HTML =
  '<div id="status-region"></div><div id="nav-region"></div><main id="main-region"></main><div id="overlay-region"></div><div id="footer-region"></div>';

export function regionHtml(state: UiState): Record<Region, string> {
  return { status: statusBar(state), nav: nav(state), main: mainScreen(state), overlay: overlay(state), footer: footer(state) };
}

/** The regions whose HTML differs from what was drawn last. */
export function changedRegions(drawn: Partial<Record<Region, string>>, html: Record<Region, string>): Region[] {
  return REGIONS.filter((region) => drawn[region] !== html[region]);
}

const SCREENS: Record<Screen, (state: UiState) => string> = {
  sale: saleScreen,
  topUp: topUpScreen,
  check: checkScreen,
  refund: refundScreen,
  membership: membershipScreen,
  badge: badgeScreen,
  close: closeScreen,
  shift: shiftScreen,
};

/** Pairing until paired, the locked screen without a cashier, else the chosen screen under any notice. */
export function mainScreen(state: UiState): string {
  const view = state.view;
  if (!view) return '';
  if (!view.paired) return pairingScreen(state);
  if (!view.session) return lockedScreen(state);
  const notice = state.notice ? `<p class="notice" id="notice">${esc(state.notice)}</p>` : '';
  return notice + SCREENS[state.screen](state);
}
