import { defineConfig } from 'drizzle-kit';

// `npx drizzle-kit generate` writes a migration after a change to the schema; the server
// applies them at start (server/src/db/migrate.ts), on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/db/schema.ts',
  out: './server/drizzle',
});
