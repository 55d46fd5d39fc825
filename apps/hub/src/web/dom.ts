/** A tiny element builder: text always goes in as text (never HTML), so no data can inject markup. */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

const SVG = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attributes: Record<string, string | number> = {}, ...children: Child[]): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces everything inside `parent`. A field the user is typing in that comes
 * back among the new children (a form kept across a live refresh) keeps the focus
 * and the caret: taking a node out of the page drops both, and the next keys
 * would go nowhere.
 */
export function replace(parent: Element, ...children: Child[]): void {
  const focused = document.activeElement instanceof HTMLElement && parent.contains(document.activeElement) ? document.activeElement : null;
  const field = focused instanceof HTMLInputElement || focused instanceof HTMLTextAreaElement ? focused : null;
  const caret = field === null ? null : { start: field.selectionStart, end: field.selectionEnd, direction: field.selectionDirection ?? undefined };
  parent.replaceChildren();
  append(parent, children);
  if (focused === null || !focused.isConnected || document.activeElement === focused) return;
  focused.focus({ preventScroll: true });
  // Inputs without a caret (email, number) answer null here, and would throw on setSelectionRange.
  if (field !== null && caret !== null && caret.start !== null && caret.end !== null) field.setSelectionRange(caret.start, caret.end, caret.direction);
}
