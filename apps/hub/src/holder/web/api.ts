/** JSON to and from /qr/api; a refusal becomes an ApiFailure with the hub's code and words. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/qr/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } & Record<string, unknown> };
  if (!response.ok) throw new ApiFailure(response.status, json.error?.code ?? 'internal', json.error?.message ?? response.statusText, json.error ?? {});
  return json as T;
}

/** A refusal in the visitor's words when the page knows its code, else the hub's (English) message; tries left when a code was wrong. */
export function refusalText(error: unknown, words: Record<string, string>): string {
  if (!(error instanceof ApiFailure)) return (error as Error).message;
  const known = words[error.code];
  const tries = typeof error.details.triesLeft === 'number' ? ` (${error.details.triesLeft})` : '';
  return known === undefined ? error.message : `${known}${tries}`;
}
