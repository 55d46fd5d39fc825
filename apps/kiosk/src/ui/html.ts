/** HTML from strings, with every dynamic value escaped: the only way text reaches the DOM. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The letter shown on (and typed for) the n-th choice button of a screen: a, b, … z. */
export const CHOICE_KEYS = 'abcdefghijklmnopqrstuvwxyz';

export function choiceKey(index: number): string | undefined {
  return CHOICE_KEYS[index];
}

/** A key hint on a button, e.g. [F1] or [A]. */
export function hint(key: string | undefined): string {
  return key ? `<kbd>${esc(key.toUpperCase())}</kbd>` : '';
}
