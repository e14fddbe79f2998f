#!/usr/bin/env node
// The installed `baton` command. It lives outside dist/ so that npm can link it on the first install
// of a fresh clone, which happens before the build has produced dist/.
import process from 'node:process';

try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist')) throw error;
  process.stderr.write('baton: error: the CLI is not built yet; run npm run build in the repository (BATON_NOT_BUILT)\n');
  process.exitCode = 1;
}
