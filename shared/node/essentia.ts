import { createRequire } from 'node:module';
import type { EssentiaKeyApi } from '../analysis/index.js';

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

/**
 * loadEssentia() for the main thread of a process that keeps its own error handling (tests,
 * benches): essentia's Emscripten runtime installs process-wide `unhandledRejection` and
 * `uncaughtException` handlers that turn any later failure into an abort dumping its source;
 * they are removed again here. Worker threads (the CLI) do not need this.
 */
export function loadEssentiaOnMainThread(): EssentiaKeyApi {
  const rejections = new Set(process.listeners('unhandledRejection'));
  const exceptions = new Set(process.listeners('uncaughtException'));
  const essentia = loadEssentia();
  for (const listener of process.listeners('unhandledRejection')) {
    if (!rejections.has(listener)) process.off('unhandledRejection', listener);
  }
  for (const listener of process.listeners('uncaughtException')) {
    if (!exceptions.has(listener)) process.off('uncaughtException', listener);
  }
  return essentia;
}
