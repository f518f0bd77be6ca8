import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The console is plain React + TypeScript; Vite's built-in transform handles TSX (automatic runtime).
// Output goes next to the compiled server (dist/web), which serves it at `/` (src/server/console.ts).
export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // One script and one stylesheet: no inline scripts, so a CSP of `script-src 'self'` holds.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev:web` proxies the API to a server started with `npm run dev`.
    proxy: Object.fromEntries(['/v1', '/v1.0', '/integration', '/schemas', '/health'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
