/** The server's public entry: what other parts of the repo (the CLI, tests, the web app) use. */
export { startServer, type RunningServer } from './app.js';
export { loadConfig, type ServerConfig } from './config.js';
export type { AppRouter } from './trpc/app.router.js';
