/**
 * The keyboard map, as a pure function of the state and one key: the parent
 * turns a DOM KeyboardEvent into a `KeyPress` and acts on the answer. Kept apart
 * so every key of the footer's map is tested without a browser.
 */
import { CHOICE_KEYS, choiceKey } from './html';
import type { UiState } from './state';
import { SCREEN_KEYS } from './views-frame';

/** What the parent reads of a key event. */
export interface KeyPress {
  key: string;
  /** Ctrl, Alt or Meta held: never the till's key. */
  modified: boolean;
  /** The key went to a text field (pairing, the shift's count). */
  inField: boolean;
}

/** A named action with its argument, or the n-th choice button of the screen. */
export type KeyAction = { action: string; arg?: string } | { choice: number };

const FUNCTION_SCREENS = Object.fromEntries(Object.entries(SCREEN_KEYS).map(([screen, key]) => [key, screen]));

const PLAIN_KEYS: Record<string, (state: UiState) => KeyAction> = {
  Enter: (state) => (state.result ? { action: 'dismiss' } : { action: 'primary' }),
  Backspace: () => ({ action: 'back' }),
  Delete: () => ({ action: 'clear' }),
  ArrowLeft: () => ({ action: 'payment', arg: 'cash' }),
  ArrowRight: () => ({ action: 'payment', arg: 'card' }),
};

/**
 * F1–F7 (and F10) screens, F8 lock, F9 language, digits → keypad, Backspace /
 * Delete, letters → the screen's choice buttons in the order drawn, ← → payment,
 * Enter, Escape, P print. In a text field only F-keys and Escape are taken; Enter
 * submits the form. `{ action: 'none' }` swallows a key that does nothing here.
 */
export function keyAction(state: UiState, press: KeyPress): KeyAction | null {
  if (press.modified) return null;
  const { key } = press;
  const screen = FUNCTION_SCREENS[key];
  if (screen) return state.view?.session ? { action: 'screen', arg: screen } : { action: 'none' };
  if (key === 'F8') return { action: 'lock' };
  if (key === 'F9') return { action: 'language' };
  if (/^F\d+$/.test(key)) return { action: 'none' };
  if (key === 'Escape') return { action: 'cancel' };
  if (press.inField) return null;
  if (!state.view?.session) return key.toLowerCase() === 'p' && state.closedTotals ? { action: 'print' } : null;
  if (/^\d$/.test(key)) return { action: 'digit', arg: key };
  const plain = PLAIN_KEYS[key];
  if (plain) return plain(state);
  return letterAction(state, key.toLowerCase());
}

function letterAction(state: UiState, letter: string): KeyAction | null {
  if (letter === 'p' && state.screen === 'close') return { action: 'print' };
  const index = letter.length === 1 ? CHOICE_KEYS.indexOf(letter) : -1;
  return index >= 0 && choiceKey(index) ? { choice: index } : null;
}
