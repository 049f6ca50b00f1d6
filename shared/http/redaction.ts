const secretKeys = /pass(word)?|secret|token|authorization|cookie|verifier|^code$|otp|assertion|private|credential|api[-_]?key|^d$|^p$|^q$|^dp$|^dq$|^qi$|^k$|plaintext|sealed/i;

/** JSON replacer for the logger: values under secret-looking keys never reach a log line. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key !== '' && secretKeys.test(key) && value !== undefined && value !== null && value !== '') return '[redacted]';
  return value;
}
