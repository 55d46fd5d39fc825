/** Shared by the admin API tests: a hub on a fresh database, and small request helpers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHub, type Hub } from '../src/app';
import { configFromEnv, type HubConfig } from '../src/config';
import type { Clock } from '../src/clock';

export class TestClock implements Clock {
  constructor(public ms = Date.parse('2026-07-14T20:00:00.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface TestHub extends Hub {
  token: string;
  clock: TestClock;
  // Responses are checked field by field with expect(): any keeps the tests short.
  call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
}

const dirs: string[] = [];

/** A hub on a temp SQLite file (or the given URL), with a controllable clock. */
export async function startTestHub(databaseUrl?: string, overrides: Partial<HubConfig> = {}): Promise<TestHub> {
  let url = databaseUrl;
  let keyPath: string | null = null;
  if (url === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'fedow-admin-'));
    dirs.push(dir);
    url = `sqlite:${join(dir, 'fedow.sqlite')}`;
    keyPath = join(dir, 'hub.key');
  }
  const clock = new TestClock();
  const hub = await buildHub(configFromEnv({}, { keyPath, log: false, ...overrides, databaseUrl: url }), { clock });
  const token = hub.identity.operatorToken;
  if (!token) throw new Error('a fresh hub must hand out its operator token');
  return {
    ...hub,
    token,
    clock,
    async call(method, url, body, headers = {}) {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await hub.app.inject({
        method,
        url,
        payload,
        headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
      });
      return { status: response.statusCode, json: response.body === '' ? undefined : response.json() };
    },
  };
}

export function removeTestDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A factory CSV of `count` cards, tags from `first` (8 hex each). */
export function factoryCsv(count: number, first = 0x0a000000, header = true): string {
  const lines = header ? ['qr_url,number,tag_id'] : [];
  for (let index = 0; index < count; index += 1) {
    const n = first + index;
    const uuid = `0190a0b0-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
    lines.push(`https://tibillet.coop/qr/${uuid},${String(n % 100_000_000).padStart(8, '0')},${n.toString(16).toUpperCase().padStart(8, '0')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A place (admin e-mail given) and a local asset it issues. */
export async function seedPlace(hub: TestHub, name = 'Bar du Port'): Promise<{ place: any; asset: any }> {
  const place = await hub.call('POST', '/api/v1/places', { name, email: `Admin@${name.replace(/\W/g, '').toLowerCase()}.org` });
  if (place.status !== 201) throw new Error(`seed place: ${JSON.stringify(place.json)}`);
  const asset = await hub.call('POST', '/api/v1/assets', { name: 'Jeton', currencyCode: 'jet', category: 'TLF', placeOrigin: place.json.id });
  if (asset.status !== 201) throw new Error(`seed asset: ${JSON.stringify(asset.json)}`);
  return { place: place.json, asset: asset.json };
}
