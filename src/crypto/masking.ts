/** What every secret looks like outside the store: responses, logs, audit and debug entries. */
export const MASK = '******';

/**
 * Replaces every occurrence of each secret string in `text` with the mask. Used on text we do
 * not control (upstream response bodies, URLs, error messages) before it is stored or shown.
 * Secrets shorter than 4 characters are skipped: masking them would mangle unrelated text.
 */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    out = out.split(secret).join(MASK);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(MASK);
  }
  return out;
}
