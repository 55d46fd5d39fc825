/** The dashboard's JSON API: same origin, the session cookie goes along by itself. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const response = await fetch(`/dashboard/api/${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    // The session ended (hub restarted, token deleted): back to the login form.
    location.assign('/dashboard/login');
    throw new ApiError(401, 'unauthorized', 'logged out');
  }
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = typeof data === 'object' && data !== null && 'error' in data ? data.error : null;
    const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'internal';
    const message = typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' ? error.message : response.statusText;
    throw new ApiError(response.status, code, message);
  }
  // The hub's routes return the shapes of views.ts: the page trusts its own server.
  return data as T;
}

/**
 * A fresh Idempotency-Key for one action that moves money. getRandomValues, not
 * randomUUID: a hub on a festival LAN is served over plain HTTP, where browsers
 * give randomUUID only to secure contexts.
 */
export function newIdempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
