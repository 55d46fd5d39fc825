import { describe, expect, it } from 'vitest';
import { EntryBody, FRAME_BYTES_MAX, META_BYTES_MAX, TillMessage, UuidInput, parseFrame } from '../src';
import { SAMPLE_BODY } from './sample-body';

const body = SAMPLE_BODY;

describe('entry bodies', () => {
  it('accept a valid body and refuse what SYNC.md excludes', () => {
    expect(EntryBody.safeParse(body).success).toBe(true);
    expect(EntryBody.safeParse({ ...body, card: '04a1b2c3' }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, card: '04A1B2C3D4' }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, amount: -1 }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, amount: 1.5 }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, at: '2026-07-14T21:03:07Z' }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, extra: true }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, kind: 'VID' }).success).toBe(false);
    expect(EntryBody.safeParse({ ...body, kind: 'VID', asset: null }).success).toBe(true);
    expect(EntryBody.safeParse({ ...body, asset: null }).success).toBe(false);
  });

  it(`refuse a meta larger than ${META_BYTES_MAX} bytes, counted in UTF-8`, () => {
    const line = (label: string) => ({ label, qty: 1, unit: 100 });
    expect(EntryBody.safeParse({ ...body, meta: { lines: Array.from({ length: 10 }, () => line('Bière pression')) } }).success).toBe(true);
    expect(EntryBody.safeParse({ ...body, meta: { lines: Array.from({ length: 60 }, () => line('x'.repeat(80))) } }).success).toBe(false);
    // 40 labels of 20 emoji: under the limit in characters, over it in bytes.
    const emoji = '🍺'.repeat(20);
    const meta = { lines: Array.from({ length: 40 }, () => line(emoji)) };
    expect(JSON.stringify(meta).length).toBeLessThan(META_BYTES_MAX);
    expect(EntryBody.safeParse({ ...body, meta }).success).toBe(false);
  });
});

describe('parseFrame', () => {
  it('types a valid message', () => {
    const parsed = parseFrame(TillMessage, JSON.stringify({ type: 'ping', t: 1 }));
    expect(parsed).toEqual({ ok: true, value: { type: 'ping', t: 1 } });
  });

  it('says what is wrong without throwing: bad JSON, bad shape, too large', () => {
    expect(parseFrame(TillMessage, '{nope')).toMatchObject({ ok: false, code: 'bad_message', message: 'not valid JSON' });
    const shape = parseFrame(TillMessage, JSON.stringify({ type: 'push', entries: [{ body, hash: 'x', sig: 'y' }] }));
    expect(shape).toMatchObject({ ok: false, code: 'bad_message' });
    expect(!shape.ok && shape.message).toMatch(/entries\.0\.hash/);
    expect(parseFrame(TillMessage, 'x'.repeat(FRAME_BYTES_MAX + 1))).toMatchObject({ ok: false, code: 'too_large' });
    // Under the limit in characters, over it in bytes.
    expect(parseFrame(TillMessage, 'é'.repeat(FRAME_BYTES_MAX / 2 + 1))).toMatchObject({ ok: false, code: 'too_large' });
  });
});

describe('UUIDs typed by a person', () => {
  it('accept any case, come out lower-cased, and refuse what is not a UUID', () => {
    expect(UuidInput.parse('0190F2A4-7B3C-7D2E-9F10-0A1B2C3D4E5F')).toBe('0190f2a4-7b3c-7d2e-9f10-0a1b2c3d4e5f');
    expect(UuidInput.safeParse('0190f2a4-7b3c-7d2e-9f10-0a1b2c3d4e5').success).toBe(false);
    expect(UuidInput.safeParse('0190f2a4-7b3c-7d2e-9f10-0a1b2c3d4e5fa').success).toBe(false);
  });
});
