/**
 * Builds the dashboard into dist/ (served by @baton/server at /). Everything is bundled: the page
 * loads nothing from elsewhere. The build fails if any Node built-in module reaches the bundle: the
 * app's code, and the API client it uses (@baton/server/client), must stay browser-safe.
 */
import { builtinModules } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const NODE_BUILTINS = new Set(builtinModules);

function noNodeModules(): Plugin {
  return {
    name: 'baton-no-node-modules',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source.startsWith('node:') || NODE_BUILTINS.has(source)) {
        this.error(`'${source}' (imported by ${importer ?? 'the entry'}) is a Node module: the dashboard runs in a browser.`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [noNodeModules(), react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
});
