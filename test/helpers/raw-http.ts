import http from 'node:http';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface RawRequest {
  method: string;
  /** Sent byte for byte: no normalisation of `..`, `%2e%2e` or encoded slashes. */
  path: string;
  /** An array value sends the header once per element (duplicated headers). */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Source address of the connection (any of 127.0.0.0/8 on Linux): a second client address. */
  localAddress?: string;
}

/**
 * One HTTP/1.1 request on a fresh connection, without the normalisation fetch does, so a test can
 * send what a hostile client sends. Rejects after `timeoutMs` (a hang is a failure, not a wait).
 */
export function rawRequest(base: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { ...(request.headers ?? {}) };
    // Node's client sends a DELETE body without a length; say it, unless the case lies on purpose.
    if (request.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: request.method,
      path: request.path,
      headers,
      agent: false,
      timeout: timeoutMs,
      ...(request.localAddress ? { localAddress: request.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms: ${request.method} ${request.path}`));
    }, timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`socket idle ${timeoutMs} ms: ${request.method} ${request.path}`)));
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}

/** Writes bytes on a TCP socket and reads until the server closes it (for requests no HTTP client sends). */
export function rawSocket(base: string, bytes: string, timeoutMs = 10_000): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
