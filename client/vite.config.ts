import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const server = process.env.SM_SERVER ?? 'http://127.0.0.1:8420';

/** The web app: built into client/dist, which `sm-server start` serves. */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    react(),
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
