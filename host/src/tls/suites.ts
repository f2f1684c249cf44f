// The PAL's cipher suites under every spelling a user may type: the device's IANA-style name
// (TLS-PSK-WITH-AES-128-CCM-8), the IANA registry name (TLS_PSK_WITH_AES_128_CCM_8) and the OpenSSL
// name (PSK-AES128-CCM8), case-insensitive.
import { ConfigError } from '../errors';

export interface SuiteInfo {
  /** The name the device uses (Mbed TLS / pal_tlsGetCipherSuiteName). */
  name: string;
  openssl: string;
  kind: 'psk' | 'cert';
}

export const SUITES: readonly SuiteInfo[] = [
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-128-CCM-8', openssl: 'ECDHE-ECDSA-AES128-CCM8', kind: 'cert' },
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256', openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256', kind: 'cert' },
  { name: 'TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384', openssl: 'ECDHE-ECDSA-AES256-GCM-SHA384', kind: 'cert' },
  { name: 'TLS-ECDHE-ECDSA-WITH-ARIA-128-GCM-SHA256', openssl: 'ECDHE-ECDSA-ARIA128-GCM-SHA256', kind: 'cert' },
  { name: 'TLS-PSK-WITH-AES-128-CCM-8', openssl: 'PSK-AES128-CCM8', kind: 'psk' },
  { name: 'TLS-PSK-WITH-AES-256-CCM-8', openssl: 'PSK-AES256-CCM8', kind: 'psk' },
  { name: 'TLS-PSK-WITH-AES-128-CBC-SHA256', openssl: 'PSK-AES128-CBC-SHA256', kind: 'psk' },
];

function canonical(spelling: string): string {
  return spelling.trim().toUpperCase().replace(/_/g, '-');
}

/** One suite name in any supported spelling → the device's name. */
export function resolveSuite(spelling: string): SuiteInfo {
  const c = canonical(spelling);
  const found = SUITES.find((s) => s.name === c || s.name === `TLS-${c}` || s.openssl === c);
  if (!found) {
    throw new ConfigError(
      `unknown cipher suite '${spelling.trim()}'`,
      `use one of ${SUITES.map((s) => `${s.name} (${s.openssl})`).join(', ')}; a comma list offers several`,
    );
  }
  return found;
}

/** `--suite A,B`: names in order, duplicates dropped. */
export function parseSuiteList(list: string): SuiteInfo[] {
  const parts = list.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new ConfigError('--suite is empty', 'give a suite name or a comma-separated list');
  const out: SuiteInfo[] = [];
  for (const p of parts) {
    const s = resolveSuite(p);
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
