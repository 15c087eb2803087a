#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const entry = new URL('../dist/server/src/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('sm-server is not built yet: run `npm run build` in the project folder.');
  process.exit(2);
}
await import(entry.href);
