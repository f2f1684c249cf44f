// Teardown on exit and Ctrl-C: every child process we start registers here, so a peer or a
// QEMU never outlives the CLI.
type Cleanup = () => void;
const cleanups = new Set<Cleanup>();
let installed = false;
let interrupted = false;

export function onTeardown(fn: Cleanup): () => void {
  install();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export function wasInterrupted(): boolean {
  return interrupted;
}

function runAll(): void {
  for (const fn of [...cleanups]) {
    try {
      fn();
    } catch {
      /* best effort */
    }
  }
  cleanups.clear();
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      interrupted = true;
      process.stderr.write(`\npaltls: ${sig}, stopping peers and devices\n`);
      runAll();
      process.exit(130);
    });
  }
}
