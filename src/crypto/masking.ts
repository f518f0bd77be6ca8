/** What every secret looks like outside the store: responses, logs, audit and debug entries. */
export const MASK = '******';

/**
 * Replaces every occurrence of each secret string in `text` with the mask. Used on text we do
 * not control (upstream response bodies, URLs, error messages) before it is stored or shown.
 * Secrets shorter than 4 characters are skipped: masking them would mangle unrelated text.
 */
export function redactText(text: string, secrets: Iterable<string>): string {
  // Longest first: a secret that contains a shorter one must be masked whole, not leave its tail visible.
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) {
    // URLs built with URLSearchParams (a token in the query) use the form spelling: "+" for space, %7E for "~".
    for (const spelling of new Set([secret, encodeURIComponent(secret), formEncode(secret)])) out = out.split(spelling).join(MASK);
  }
  return out;
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
