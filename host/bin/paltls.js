#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step). Type checking is done by
// `npm run typecheck` and by the tests, so the CLI starts without it.
'use strict';
const fs = require('fs');
const path = require('path');

// After a pull that changed the host's dependencies, a missing module would otherwise surface as
// a stack trace from deep inside the CLI; npm records the lock file it installed from.
function staleModules() {
  const host = path.join(__dirname, '..');
  try {
    return fs.statSync(path.join(host, 'package-lock.json')).mtimeMs >
      fs.statSync(path.join(host, 'node_modules', '.package-lock.json')).mtimeMs;
  } catch {
    return true;
  }
}
if (staleModules()) {
  console.error('paltls: the host\'s node modules are missing or older than host/package-lock.json; run ./scripts/setup');
  process.exit(2);
}

// `paltls boards | head` closes the pipe early: that is the reader's choice, not a failure.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
});
require('../src/cli').main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exitCode = 2; },
);
