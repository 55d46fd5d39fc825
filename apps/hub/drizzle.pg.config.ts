// Migrations for a PostgreSQL hub. Regenerate after a schema change:
//   cd apps/hub && npx drizzle-kit generate --config drizzle.pg.config.ts --name <what-changed>
// (and the same with drizzle.sqlite.config.ts: the two schemas change together).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/storage/schema-pg.ts',
  out: './drizzle/pg',
  strict: true,
  verbose: true,
});
