/** A hub with the card holder's page, a real local SMTP server, cards with QR codes, and sign-in by the e-mailed link. */
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { HubConfig } from '../src/config';
import { importCards } from '../src/directory/cards';
import { startTestHub, type TestHub } from './admin-support';
import { linkSecret, SmtpInbox } from './support/smtp-inbox';

export interface HolderWorld {
  hub: TestHub;
  inbox: SmtpInbox;
  place: { id: string; wallet: string };
  /** A local asset of the place (2 decimals), and the hub's FED. */
  local: string;
  fed: string;
  /** Cards by tag, with the UUID of their printed QR code. */
  cards: { tag: string; qrcode: string }[];
  close(): Promise<void>;
}

/** A free port, so the hub's links can name the address it listens on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

export async function startHolderWorld(databaseUrl: string | undefined, overrides: Partial<HubConfig> = {}, publicUrl = 'http://fedow.test'): Promise<HolderWorld> {
  const inbox = new SmtpInbox();
  const smtpUrl = await inbox.start();
  const hub = await startTestHub(databaseUrl, { holder: { smtpUrl, mailFrom: 'Fedow <hub@fedow.test>', publicUrl, transferDailyMax: 5_000 }, ...overrides });
  const place = (await hub.call('POST', '/api/v1/places', { name: 'Buvette du port', email: 'admin@buvette.org' })).json;
  const local = (await hub.call('POST', '/api/v1/assets', { name: 'Monnaie locale', currencyCode: 'LAC', category: 'TLF', placeOrigin: place.id })).json.id;
  const fed = (await hub.call('GET', '/api/v1/assets')).json.assets.find((asset: { category: string }) => asset.category === 'FED').id;
  const csv = ['qr_url,number,tag_id'];
  const cards: { tag: string; qrcode: string }[] = [];
  for (let index = 0; index < 4; index += 1) {
    const tag = (0xc0000000 + index).toString(16).toUpperCase();
    const qrcode = crypto.randomUUID();
    cards.push({ tag, qrcode });
    csv.push(`https://tibillet.coop/qr/${qrcode},${String(index + 1).padStart(8, '0')},${tag}`);
  }
  await importCards(hub.context, `${csv.join('\n')}\n`, { place: place.id, generation: 1, primary: false });
  return {
    hub,
    inbox,
    place,
    local,
    fed,
    cards,
    async close() {
      await hub.close();
      await inbox.stop();
    },
  };
}

export interface Answer {
  status: number;
  json: any;
  cookie: string | null;
}

/** A request to the card holder's page's API, as a browser would send it (a session cookie, no operator token). */
export async function holderCall(world: HolderWorld, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, cookie?: string | null, ip = '10.0.0.1'): Promise<Answer> {
  const response = await world.hub.app.inject({
    method,
    url,
    remoteAddress: ip,
    payload: body === undefined ? undefined : JSON.stringify(body),
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
  });
  const setCookie = response.headers['set-cookie'];
  const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  return { status: response.statusCode, json: response.body === '' ? undefined : safeJson(response.body), cookie: first ? first.split(';')[0]! : null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Asks for the link from a card's page (or the account form), reads it from the SMTP server, follows it: the session cookie. */
export async function signIn(world: HolderWorld, email: string, qrcode: string | null, ip = '10.0.0.1'): Promise<{ cookie: string; followed: any }> {
  const seen = world.inbox.count(email);
  expect((await holderCall(world, 'POST', '/qr/api/links', { email, qrcode, language: 'en' }, null, ip)).status).toBe(202);
  const mail = await world.inbox.next(email, seen);
  const login = await holderCall(world, 'POST', '/qr/api/login', { token: linkSecret(mail) }, null, ip);
  expect(login.status).toBe(200);
  expect(login.cookie).toMatch(/^fedow_holder=/);
  return { cookie: login.cookie!, followed: login.json };
}

/** Puts money on a card at the welcome desk (an operator's top-up of the local asset). */
export async function fundCard(world: HolderWorld, tag: string, amount: number, key: string): Promise<void> {
  const answer = await world.hub.call('POST', '/api/v1/topups', { card: tag, asset: world.local, amount }, { 'idempotency-key': key });
  expect(answer.status, JSON.stringify(answer.json)).toBe(201);
}
