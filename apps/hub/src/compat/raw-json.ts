/**
 * `metadata` and `comment` go back to LaBoutik and Lespass exactly as they came
 * (LaBoutik re-reads its signed metadata string; Lespass compares dicts): the
 * raw text of a top-level field is kept, and spliced into answers unparsed.
 */

/** JSON text that answers embed as is. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** The raw text of each top-level field of a JSON object, or null when `text` is not one. */
export function topLevelFields(text: string): Map<string, string> | null {
  const fields = new Map<string, string>();
  let index = skipSpace(text, 0);
  if (text[index] !== '{') return null;
  index = skipSpace(text, index + 1);
  if (text[index] === '}') return fields;
  for (;;) {
    const keyEnd = endOfValue(text, index);
    if (keyEnd === null || text[index] !== '"') return null;
    const key = JSON.parse(text.slice(index, keyEnd)) as string;
    index = skipSpace(text, keyEnd);
    if (text[index] !== ':') return null;
    const start = skipSpace(text, index + 1);
    const end = endOfValue(text, start);
    if (end === null) return null;
    fields.set(key, text.slice(start, end));
    index = skipSpace(text, end);
    if (text[index] === '}') return fields;
    if (text[index] !== ',') return null;
    index = skipSpace(text, index + 1);
  }
}

function skipSpace(text: string, index: number): number {
  while (index < text.length && ' \t\n\r'.includes(text[index]!)) index += 1;
  return index;
}

/** Where the JSON value starting at `start` ends (exclusive), trusting that the whole text parsed. */
function endOfValue(text: string, start: number): number | null {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index]!;
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') {
        inString = false;
        if (depth === 0) return index + 1;
      }
      continue;
    }
    if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      if (depth === 0) return index;
      depth -= 1;
      if (depth === 0) return index + 1;
    } else if (depth === 0 && (char === ',' || ' \t\n\r'.includes(char))) return index;
  }
  return depth === 0 && !inString ? text.length : null;
}

/** JSON text of an answer, with each RawJson spliced in verbatim. */
export function answerJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, field: unknown) => {
    if (field instanceof RawJson) {
      raws.push(field.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return field;
  });
  return raws.length === 0 ? text : text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index: string) => raws[Number(index)]!);
}
