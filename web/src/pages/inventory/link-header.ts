/**
 * The `rel="next"` target of a Link header, if any. Pure.
 *
 * @example nextLink('</v1.0/users?cursor=abc>; rel="next"') // "/v1.0/users?cursor=abc"
 */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (match?.[1]) return match[1];
  }
  return null;
}
