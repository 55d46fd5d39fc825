import type pg from 'pg';
import type { Storage } from '../storage/types';

/**
 * Advisory lock key of the sealer ("fedow" in ASCII + 3, beside the storage's
 * PG_LOCK_MIGRATE = …01 and PG_LOCK_COMMIT_ORDER = …02 in open-postgres.ts).
 */
export const PG_LOCK_SEALER = 0x6665646f7703;

/**
 * Who may seal. Several hub processes may share one PostgreSQL: exactly one seals,
 * the one holding a session-level advisory lock on a connection kept for that
 * purpose. The lock lives as long as that connection: if it dies, the lock is
 * released by the server and another hub takes over on its next attempt.
 * SQLite has one writer per file anyway (BEGIN IMMEDIATE), so there it always leads.
 */
export interface Leadership {
  /** True while this process may seal; tries to become the sealer when it is not. */
  acquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** `lockKey`: the sealer's by default; another single-runner job (the webhook deliverer) passes its own. */
export function leadership(storage: Storage, lockKey: number = PG_LOCK_SEALER): Leadership {
  if (storage.dialect === 'sqlite') return { acquire: async () => true, release: async () => undefined };
  return new PostgresLeadership(storage.pool, lockKey);
}

class PostgresLeadership implements Leadership {
  private client: pg.PoolClient | null = null;
  private lost = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly lockKey: number,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.client && !this.lost && (await this.alive(this.client))) return true;
    this.drop();
    const client = await this.pool.connect();
    const onError = () => {
      this.lost = true;
    };
    client.on('error', onError);
    try {
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [this.lockKey]);
      if (result.rows[0]?.locked === true) {
        this.client = client;
        this.lost = false;
        return true;
      }
      client.removeListener('error', onError);
      client.release();
      return false;
    } catch (error) {
      client.removeListener('error', onError);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = null;
    if (this.lost) {
      client.release(true);
      return;
    }
    try {
      await client.query('SELECT pg_advisory_unlock($1)', [this.lockKey]);
      client.release();
    } catch (error) {
      // Destroying the connection releases the lock on the server anyway.
      client.release(error instanceof Error ? error : true);
    }
  }

  /** A connection that died silently shows it on the next query: one round trip per sealing pass. */
  private async alive(client: pg.PoolClient): Promise<boolean> {
    try {
      await client.query('SELECT 1');
      return true;
    } catch {
      this.lost = true;
      return false;
    }
  }

  /** A connection that failed holds nothing any more: destroy it before trying again. */
  private drop(): void {
    if (this.client) {
      this.client.release(true);
      this.client = null;
    }
    this.lost = false;
  }
}
