import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    // Not dist itself: tsc compiles the tests into dist/test, and Vite empties its output directory first.
    outDir: 'dist/site',
    // three.js alone is over the default 500 kB; one chunk is what a page this small should load.
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Vite swaps a Node built-in that browser code imports for an empty stub, which fails only when used.
        if (warning.message.includes('externalized for browser compatibility')) throw new Error(warning.message);
        warn(warning);
      },
    },
  },
});
