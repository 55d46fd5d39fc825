/** A valid SAL body as SYNC.md writes it: the tests vary it one field at a time. */
export const SAMPLE_BODY = {
  v: 1,
  id: '0192f3a4-5b6c-7d8e-9f00-000000000001',
  terminal: '0192f3a4-5b6c-7d8e-9f00-ffffffffffff',
  seq: 1,
  prev: 'ab'.repeat(32),
  at: '2026-07-14T21:03:07.412Z',
  kind: 'SAL',
  asset: '0192f3a4-0000-7000-8000-00000000a55e',
  amount: 350,
  card: '04A1B2C3',
  primary: 'CA5A0001',
  auth: 'online',
} as const;
