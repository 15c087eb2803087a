import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The project folder, from testing/ (Vitest, Playwright, tsx) and from dist/testing/ (node). */
export const ROOT =
  basename(dirname(here)) === 'dist' ? resolve(here, '../..') : resolve(here, '..');

/** The committed audio fixtures (see fixtures/README.md). */
export const FIXTURES = join(ROOT, 'fixtures', 'audio');

/** The built commands (`npm run build` first), as `npx sm-server` and `npx sm-import` run them. */
export const SM_SERVER_BIN = join(ROOT, 'bin', 'sm-server.js');
export const SM_IMPORT_BIN = join(ROOT, 'bin', 'sm-import.js');
