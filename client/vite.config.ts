import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const server = process.env.SM_SERVER ?? 'http://127.0.0.1:8420';

const repo = join(import.meta.dirname, '..');

/**
 * Ships the licence texts with the app: it is AGPL-3.0 because its analysis worker runs
 * essentia.js (AGPL-3.0), whose notice must travel with it. Linked from the page's footer.
 */
function licences(): Plugin {
  const files = {
    'licenses/LICENSE.txt': join(repo, 'LICENSE'),
    'licenses/essentia.js-LICENSE.txt': join(repo, 'node_modules/essentia.js/LICENSE'),
  };
  return {
    name: 'sm-licences',
    generateBundle() {
      for (const [fileName, from] of Object.entries(files)) {
        this.emitFile({ type: 'asset', fileName, source: readFileSync(from, 'utf8') });
      }
    },
  };
}

/** The web app: built into client/dist, which `sm-server start` serves. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
    licences(),
    VitePWA({
      // An update waits for the user (a banner), so a reload never cuts an import in progress.
      registerType: 'prompt',
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'Sample importer',
        short_name: 'Importer',
        description: 'Analyse folders of audio on this machine and upload only new sounds.',
        start_url: '/import',
        scope: '/',
        display: 'standalone',
        background_color: '#14161c',
        theme_color: '#14161c',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: '/icons/icon-512-maskable.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,webmanifest}'],
        // Decoders of codecs producers rarely have (AC-3, DTS, E-AC-3, AMR inside MP4; Opus's
        // optional neural decoder) load on demand instead of weighing on every install.
        // ffmpeg.wasm (32 MB) is the second decoder for odd files: fetched the first time one
        // needs it, then kept by the runtime cache below.
        globIgnores: ['**/decode-{ac3,dts,eac3,amr}-*.js', '**/opus-ml-*.js', '**/ffmpeg-core-*'],
        runtimeCaching: [
          {
            urlPattern: /\/assets\/(ffmpeg-core|decode-[a-z0-9]+|opus-ml)-[\w-]+\.(js|wasm)$/,
            handler: 'CacheFirst',
            options: { cacheName: 'on-demand-decoders', expiration: { maxEntries: 16 } },
          },
        ],
        // The analysis worker embeds essentia.js's WASM (about 2.5 MB).
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The API, uploads and sign-in links must reach the server, never the cached shell.
        navigateFallbackDenylist: [/^\/api\//, /^\/trpc/, /^\/healthz/, /[?&]token=/],
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
  },
  server: {
    proxy: {
      '/api': server,
      '/trpc': { target: server, ws: true },
    },
  },
});
