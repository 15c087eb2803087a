import { createRequire } from 'node:module';
import type { EssentiaKeyApi } from '../../../shared/analysis/index.js';

interface EssentiaModule {
  EssentiaWASM: unknown;
  Essentia: new (wasm: unknown) => EssentiaKeyApi;
}

/** Loads essentia.js (AGPL-3.0) into this thread; each worker holds its own instance. */
export function loadEssentia(): EssentiaKeyApi {
  const require = createRequire(import.meta.url);
  const { EssentiaWASM, Essentia } = require('essentia.js') as EssentiaModule;
  return new Essentia(EssentiaWASM);
}
