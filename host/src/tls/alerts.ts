// TLS alert descriptions (RFC 5246 7.2, RFC 4279, RFC 8446 6) and what a fatal one most likely
// means for a PAL client, given what the device offered.

const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  21: 'decryption_failed',
  22: 'record_overflow',
  30: 'decompression_failure',
  40: 'handshake_failure',
  41: 'no_certificate',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  100: 'no_renegotiation',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  115: 'unknown_psk_identity',
  120: 'no_application_protocol',
};

export function alertName(description: number): string {
  return ALERT_NAMES[description] ?? `alert ${description}`;
}

export interface Offer {
  suites: string[];
  version: string;
  usedPsk: boolean;
  usedCert: boolean;
}

/** A one-line hint for a handshake the peer ended with a fatal alert (or by resetting). */
export function alertHint(alert: number | null, offer: Offer): string {
  const none = `server offers none of: ${offer.suites.join(', ') || '(no suites)'}`;
  switch (alert) {
    case 40:
    case 71:
      return offer.usedCert ? `${none} (or it requires a client certificate: --cert/--key)` : none;
    case 20:
    case 51:
      return offer.usedPsk ? 'wrong PSK? (the server could not check the Finished message)' : 'the server could not check the handshake (key mismatch)';
    case 115:
      return 'the server does not know this PSK identity (--psk-identity)';
    case 70:
      return `the server does not speak ${offer.version}`;
    case 41:
    case 42:
    case 43:
    case 45:
    case 46:
    case 48:
      return offer.usedCert ? 'the server rejected the device certificate (--cert/--key, and the CA the server trusts)' : 'the server wants a client certificate: --cert/--key';
    case null:
      return `the server closed the connection without an alert; ${none}?`;
    default:
      return none;
  }
}
