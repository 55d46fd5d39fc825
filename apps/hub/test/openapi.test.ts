/** Every admin API operation says what it does, what it answers, and how it fails (issue 11, part 7). */
import { afterAll, describe, expect, it } from 'vitest';
import { removeTestDirs, startTestHub } from './admin-support';

afterAll(removeTestDirs);

describe('the OpenAPI document', () => {
  it('gives every operation a summary, its success answer and the error schema for every failure', async () => {
    const hub = await startTestHub();
    try {
      const document = (await hub.call('GET', '/api/docs/json')).json;
      const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
      );
      expect(operations.length).toBeGreaterThan(25);
      for (const { name, operation } of operations) {
        expect(operation.summary, name).toMatch(/\w/);
        const statuses = Object.keys(operation.responses);
        expect(statuses.some((status) => status.startsWith('2')), name).toBe(true);
        expect(statuses, name).toContain('500');
        const open = Array.isArray(operation.security) && operation.security.length === 0;
        if (!open) expect(statuses, name).toEqual(expect.arrayContaining(['401', '403', '429']));
        for (const status of statuses.filter((code) => /^[45]/.test(code))) {
          const schema = operation.responses[status].content?.['application/json']?.schema;
          expect(schema?.properties?.error, `${name} ${status}`).toBeDefined();
        }
      }
    } finally {
      await hub.close();
    }
  });
});
