// Migrations for the embedded SQLite hub. Regenerate after a schema change:
//   cd apps/hub && npx drizzle-kit generate --config drizzle.sqlite.config.ts --name <what-changed>
// (and the same with drizzle.pg.config.ts: the two schemas change together).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/storage/schema-sqlite.ts',
  out: './drizzle/sqlite',
  strict: true,
  verbose: true,
});
