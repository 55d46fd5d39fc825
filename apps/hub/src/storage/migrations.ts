/** Where each dialect's committed migrations are. */
import { fileURLToPath } from 'node:url';
import type { Dialect } from './types';

/** The committed drizzle-kit migrations of one dialect (apps/hub/drizzle/<dialect>). */
export function migrationsFolder(dialect: Dialect): string {
  const folder = dialect === 'sqlite' ? 'sqlite' : 'pg';
  return fileURLToPath(new URL(`../../drizzle/${folder}`, import.meta.url));
}
