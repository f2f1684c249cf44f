// tshark (Debian package, installed by scripts/setup) as the judge of the captures we write.
import { spawnSync } from 'child_process';

export function haveTshark(): boolean {
  return spawnSync('tshark', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** tshark -r FILE [-Y filter] -T fields -e ...: one array of field values per packet. */
export function tsharkFields(file: string, filter: string, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'separator=|'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed (${r.status}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('|'));
}

/** Numeric cipher suite ids offered by the (D)TLS ClientHello(s) in the file. */
export function clientHelloSuites(file: string, dtls: boolean): number[][] {
  const p = dtls ? 'dtls' : 'tls';
  return tsharkFields(file, `${p}.handshake.type == 1`, [`${p}.handshake.ciphersuite`]).map((row) =>
    row[0]!.split(',').filter(Boolean).map((s) => Number(s)),
  );
}
