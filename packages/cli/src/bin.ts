#!/usr/bin/env node
/** The `baton` executable. */
import { main } from './index.js';

process.exitCode = await main(process.argv.slice(2));
