import type { z } from 'zod';
import { FRAME_BYTES_MAX } from './limits';

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: 'bad_message' | 'too_large'; message: string };

/**
 * Parses one text frame: size, then JSON, then the schema. Never throws: a
 * client's mistake is a result, not an exception. `read`, when given, may
 * answer first for the frames it knows to be valid (a hand-written reader of
 * the same rules, push-frame.ts); whatever it leaves (null) goes to the schema.
 */
export function parseFrame<S extends z.ZodType>(schema: S, text: string, bytesMax = FRAME_BYTES_MAX, read?: (json: unknown) => z.infer<S> | null): Parsed<z.infer<S>> {
  if (text.length > bytesMax || utf8LengthAbove(text, bytesMax)) {
    return { ok: false, code: 'too_large', message: `frame larger than ${bytesMax} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_message', message: 'not valid JSON' };
  }
  const known = read?.(json) ?? null;
  if (known !== null) return { ok: true, value: known };
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, code: 'bad_message', message: describeIssues(result.error.issues) };
  return { ok: true, value: result.data };
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

const encoder = new TextEncoder();
/** UTF-8 length; a string of n UTF-16 units takes at most 3n bytes, so short ones need no encoding. */
export function utf8LengthAbove(text: string, bytesMax: number): boolean {
  if (text.length * 3 <= bytesMax) return false;
  return encoder.encode(text).length > bytesMax;
}
