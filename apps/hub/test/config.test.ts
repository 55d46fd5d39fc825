/** Where a hub keeps its data: one folder (FEDOW_DATA_DIR) holds its database and its key. */
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config';

describe('the hub configuration from the environment', () => {
  it('keeps the database and the key in ./data by default', () => {
    expect(configFromEnv({})).toMatchObject({ databaseUrl: 'sqlite:./data/fedow.sqlite', keyPath: 'data/hub.key', host: '127.0.0.1', port: 8442, metricsToken: null });
  });

  it('moves the database and the key with FEDOW_DATA_DIR', () => {
    expect(configFromEnv({ FEDOW_DATA_DIR: '/srv/fedow' })).toMatchObject({ databaseUrl: 'sqlite:/srv/fedow/fedow.sqlite', keyPath: '/srv/fedow/hub.key' });
    expect(configFromEnv({ FEDOW_DATA_DIR: '/srv/fedow', DATABASE_URL: 'postgres://fedow@db/fedow' })).toMatchObject({ keyPath: '/srv/fedow/hub.key' });
  });

  it('lets DATABASE_URL and HUB_KEY_FILE win, and reads METRICS_TOKEN', () => {
    const config = configFromEnv({ FEDOW_DATA_DIR: '/srv/fedow', DATABASE_URL: 'sqlite:/var/lib/x.sqlite', HUB_KEY_FILE: '/etc/fedow/key', METRICS_TOKEN: 's3cret' });
    expect(config).toMatchObject({ databaseUrl: 'sqlite:/var/lib/x.sqlite', keyPath: '/etc/fedow/key', metricsToken: 's3cret' });
  });
});
