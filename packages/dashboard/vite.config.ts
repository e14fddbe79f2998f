/**
 * Builds the dashboard into dist/ (served by @baton/server at /). Everything is bundled: the page
 * loads nothing from elsewhere. The bundle is split: the app's shell, the shared libraries (vendor)
 * and one chunk per view, loaded when its route is first shown. The build fails if any Node built-in module reaches the bundle: the
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
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        // React and the router, which every page needs, in a chunk of their own that changes only
        // when they are upgraded (so a browser keeps it cached across releases of the app). Each
        // view is split off by its dynamic import in app.tsx; the charts library goes with the
        // overview, the one view that draws charts. The app's small modules that several views
        // share (formatting, dialogs, badges) go together in one chunk rather than a dozen tiny ones.
        codeSplitting: {
          groups: [
            { name: 'vendor', test: /[\\/]node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler|cookie|set-cookie-parser)[\\/]/ },
            { name: 'shared', test: /[\\/]packages[\\/]dashboard[\\/]src[\\/]/, minShareCount: 2 },
          ],
        },
      },
    },
  },
});
