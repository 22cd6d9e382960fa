import { defineConfig } from 'vite';

// React without @vitejs/plugin-react: esbuild compiles the JSX (automatic
// runtime); there is no fast refresh, which the console does not need.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: { charts: ['chart.js'], graph: ['cytoscape'], react: ['react', 'react-dom'] },
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a `counterfoil serve` on :8080.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
} as any);
