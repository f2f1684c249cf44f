#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step). Type checking is done by
// `npm run typecheck` and by the tests, so the CLI starts without it.
'use strict';
const path = require('path');
require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
});
require('../src/cli').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exitCode = 2; },
);
