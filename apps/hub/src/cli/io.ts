import type { z } from 'zod';
import { HubError } from '../errors';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A mistake in the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Validates CLI input with the same schema as the HTTP route. A refusal names the
 * flag the operator typed: `flag` for a single value, or, for an object, its field
 * names (`--name`) unless `flags` maps a field to another flag (`currencyCode` →
 * `currency_code`).
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, flag?: string | Readonly<Record<string, string>>): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  if (typeof flag === 'string') throw new HubError('bad_request', `--${flag}: ${issues.map((issue) => issue.message).join('; ')}`);
  const named = issues.slice(0, 5).map((issue) => {
    const field = issue.path[0];
    if (field === undefined) return issue.message;
    return `--${flag?.[String(field)] ?? String(field)}: ${issue.message}`;
  });
  throw new HubError('bad_request', named.join('; '));
}

/** `--json`: exactly one JSON object on stdout; otherwise the human lines. */
export function print(io: Io, json: boolean, value: Record<string, unknown>, human: () => string[]): void {
  if (json) io.stdout.write(`${JSON.stringify(value)}\n`);
  else for (const line of human()) io.stdout.write(`${line}\n`);
}

/** Exactly one of the action flags, or a usage error naming them. */
export function oneAction<A extends string>(values: Record<string, unknown>, actions: readonly A[], group: string): A {
  const given = actions.filter((action) => values[action] !== undefined && values[action] !== false);
  if (given.length !== 1) throw new UsageError(`fedow ${group}: give exactly one of ${actions.map((action) => `--${action}`).join(', ')}`);
  return given[0] as A;
}

export function required(values: Record<string, unknown>, name: string, action: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${action} needs --${name}`);
  return value;
}

export function integer(text: string, name: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`--${name} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

/** Columns padded for a terminal; the last one is left as is. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '));
}
