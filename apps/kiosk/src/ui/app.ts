/**
 * The till UI's parent: builds the page's regions, hands every touch, key, form
 * and bridge event to the controller (controller.ts), and ticks the clock. No
 * framework: the rules live in pure leaves (transitions.ts, commands.ts, keys.ts,
 * regions.ts) and the controller applies them.
 */
import type { TillBridge } from '../bridge/contract';
import { TillScreen } from './controller';
import type { KeyPress } from './keys';
import { REGIONS, REGIONS_HTML, type Region } from './regions';
import { WedgeKeys } from './wedge';

export { DECISION_PAINTED_MARK } from './controller';

const TICK_MS = 1_000;

export function startApp(root: HTMLElement, bridge: TillBridge): void {
  root.innerHTML = REGIONS_HTML;
  const regions = Object.fromEntries(REGIONS.map((region) => [region, root.querySelector<HTMLElement>(`#${region}-region`)!])) as Record<Region, HTMLElement>;
  const screen = new TillScreen(regions, bridge, Date.now());
  listenToTouches(root, screen);
  listenToKeys(screen, bridge);
  bridge.subscribe(screen.onEvent);
  setInterval(screen.tick, TICK_MS);
  screen.render();
}

function listenToTouches(root: HTMLElement, screen: TillScreen): void {
  root.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-action]') : null;
    if (!target || (target instanceof HTMLButtonElement && target.disabled)) return;
    event.stopPropagation();
    screen.act(target.dataset.action ?? '', target.dataset.arg);
  });
  root.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target instanceof HTMLFormElement ? event.target : null;
    if (form?.dataset.form === 'shift') return void screen.submitShift().catch(screen.fail);
    if (form) void screen.pair(pairingFields(form));
  });
  root.addEventListener('input', (event) => {
    if (!(event.target instanceof HTMLInputElement)) return;
    if (event.target.closest('#shift-form')) return countInput(screen, event.target);
    // Kept in state without a redraw: the field keeps its caret.
    if (event.target.name in screen.state.pairing) screen.state.pairing[event.target.name as 'hubUrl' | 'code' | 'name'] = event.target.value;
  });
}

function pairingFields(form: HTMLFormElement): { hubUrl: string; code: string; name: string } {
  const data = new FormData(form);
  const field = (name: string): string => String(data.get(name) ?? '').trim();
  return { hubUrl: field('hubUrl'), code: field('code'), name: field('name') };
}

/** A count or total typed: the totals and the difference follow at once; the field keeps its focus and caret. */
function countInput(screen: TillScreen, input: HTMLInputElement): void {
  const denomination = input.dataset.denomination;
  if (denomination) {
    const pieces = Number.parseInt(input.value.replace(/\D/g, ''), 10);
    screen.state.shiftCount = { ...screen.state.shiftCount, [denomination]: Number.isSafeInteger(pieces) ? pieces : 0 };
  } else screen.state.shiftTotal = input.value;
  const id = input.id;
  screen.render();
  const again = document.getElementById(id);
  if (again instanceof HTMLInputElement && document.activeElement !== again) {
    again.focus();
    again.setSelectionRange(again.value.length, again.value.length);
  }
}

/** Keys go to the wedge first (a card typed as keys), then to the keyboard map. */
function listenToKeys(screen: TillScreen, bridge: TillBridge): void {
  const press = (key: string, event?: KeyboardEvent): KeyPress => ({
    key,
    modified: event ? event.ctrlKey || event.altKey || event.metaKey : false,
    inField: event?.target instanceof HTMLInputElement,
  });
  const wedge = new WedgeKeys(
    (text) => void bridge.wedgeLine(text).catch(screen.fail),
    (keys) => keys.forEach((key) => screen.key(press(key), () => undefined)),
  );
  document.addEventListener('keydown', (event) => {
    // Fields (pairing) take their keys; a modified key is never a wedge's.
    const plain = !(event.target instanceof HTMLInputElement) && !event.ctrlKey && !event.altKey && !event.metaKey;
    if (plain && wedge.key(event.key, event.timeStamp)) return event.preventDefault();
    screen.key(press(event.key, event), () => event.preventDefault());
  });
}
