import { ApiError, getStoredKey, withQuery } from '../../api/client';
import { nextLink } from './link-header';

async function fetchCsv(url: string): Promise<Response> {
  const key = getStoredKey();
  const response = await fetch(url, { headers: { accept: 'text/csv', ...(key ? { authorization: `Bearer ${key}` } : {}) } });
  if (response.ok) return response;
  let message = `The server answered ${response.status}.`;
  let code = `HTTP_${response.status}`;
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    if (body.error?.code) code = body.error.code;
  } catch {
    // not JSON
  }
  throw new ApiError(response.status, code, message);
}

/**
 * Downloads a CSV export: fetched with the API key in the Authorization header (never in a URL),
 * following the `Link: rel="next"` pages, then saved from a Blob.
 */
export async function downloadCsv(path: string, query: Record<string, string>, fileName: string): Promise<void> {
  const parts: string[] = [];
  let url: string | null = withQuery(path, { ...query, format: 'csv' });
  while (url) {
    const response = await fetchCsv(url);
    let text = await response.text();
    // Later pages repeat the header line: keep the first page's only.
    if (parts.length > 0) text = text.slice(text.indexOf('\n') + 1);
    parts.push(text);
    url = nextLink(response.headers.get('link'));
  }
  const blob = new Blob(parts, { type: 'text/csv;charset=utf-8' });
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the Blob URL goes.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
