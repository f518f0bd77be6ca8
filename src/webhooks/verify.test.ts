import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTimestamp, type SignatureSpec, verifySignature } from './verify.js';

const SECRET = 'whsec-test-secret-5f4e3d';
const NOW = new Date('2024-05-01T12:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const BODY = Buffer.from('{"type":"ping","data":{"id":1}}');

const hmac = (message: string | Buffer, algorithm = 'sha256', secret = SECRET) => createHmac(algorithm, secret).update(message);

function aSpec(config: Partial<SignatureSpec['config']> = {}, format: SignatureSpec['format'] = 'hmac'): SignatureSpec {
  return { format, config: { secret: SECRET, ...config } };
}

function verify(spec: SignatureSpec, headers: Record<string, string>, rawBody: Buffer = BODY, now: Date = NOW) {
  return verifySignature(spec, { headers, rawBody }, now);
}

describe('verifySignature: GitHub (x-hub-signature-256: sha256=<hex> over the body)', () => {
  const github = aSpec({ algorithm: 'sha256', parts: ['$body'], compare_with: '$header.x-hub-signature-256', prefix: 'sha256=' });
  const signature = `sha256=${hmac(BODY).digest('hex')}`;

  it('accepts the right signature', () => {
    expect(verify(github, { 'x-hub-signature-256': signature })).toEqual({ ok: true });
  });

  it('accepts upper-case hex', () => {
    expect(verify(github, { 'x-hub-signature-256': `sha256=${hmac(BODY).digest('hex').toUpperCase()}` })).toEqual({ ok: true });
  });

  it('refuses a signature made with another secret', () => {
    const wrong = `sha256=${hmac(BODY, 'sha256', 'another-secret').digest('hex')}`;
    expect(verify(github, { 'x-hub-signature-256': wrong })).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a tampered body', () => {
    expect(verify(github, { 'x-hub-signature-256': signature }, Buffer.from('{"type":"ping","data":{"id":2}}'))).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('refuses a missing signature header, naming it', () => {
    const result = verify(github, {});
    expect(result).toEqual({ ok: false, reason: 'missing_signature', message: 'The signature header "x-hub-signature-256" is missing or empty.' });
  });

  it('refuses the signature without its prefix, a truncated one and one that is not hex', () => {
    const hex = hmac(BODY).digest('hex');
    for (const value of [hex, `sha256=${hex.slice(0, 40)}`, `sha256=${hex.slice(0, -1)}z`, 'sha256=', `sha1=${hex}`]) {
      expect(verify(github, { 'x-hub-signature-256': value })).toMatchObject({ ok: false });
    }
  });

  it('supports the older sha1 header with HMAC-SHA1', () => {
    const sha1 = aSpec({ compare_with: 'x-hub-signature', prefix: 'sha1=' }, 'HMAC-SHA1');
    expect(verify(sha1, { 'x-hub-signature': `sha1=${hmac(BODY, 'sha1').digest('hex')}` })).toEqual({ ok: true });
    expect(verify(sha1, { 'x-hub-signature': `sha1=${hmac(BODY, 'sha256').digest('hex')}` })).toMatchObject({ reason: 'signature_mismatch' });
  });
});

describe('verifySignature: Slack (v0:{ts}:{body}, x-slack-signature: v0=<hex>)', () => {
  const slack = aSpec({
    parts: ['v0', '$header.x-slack-request-timestamp', '$body'],
    separator: ':',
    compare_with: '$header.x-slack-signature',
    prefix: 'v0=',
    timestamp: '$header.x-slack-request-timestamp',
    tolerance_seconds: 300,
  });
  const signed = (ts: number, body: Buffer = BODY) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${hmac(`v0:${ts}:${body.toString('utf8')}`).digest('hex')}`,
  });

  it('accepts a fresh, correctly signed request', () => {
    expect(verify(slack, signed(NOW_S - 10))).toEqual({ ok: true });
  });

  it('refuses a correctly signed request replayed after the tolerance', () => {
    const result = verify(slack, signed(NOW_S - 301));
    expect(result).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(result.ok || result.message).toContain('301 s old');
  });

  it('refuses a timestamp too far in the future', () => {
    expect(verify(slack, signed(NOW_S + 400))).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('refuses a timestamp changed after signing (it is part of the signed text)', () => {
    const headers = { ...signed(NOW_S - 500), 'x-slack-request-timestamp': String(NOW_S) };
    expect(verify(slack, headers)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a missing timestamp header', () => {
    const { 'x-slack-request-timestamp': _ts, ...headers } = signed(NOW_S);
    expect(verify(slack, headers)).toMatchObject({ ok: false, reason: 'missing_header' });
  });
});

describe('verifySignature: Stripe (Stripe-Signature: t=…,v1=…; signed "{t}.{body}")', () => {
  const stripeHeader = (t: number, ...signatures: string[]) => ({
    'stripe-signature': [`t=${t}`, ...signatures.map((s) => `v1=${s}`), 'v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39'].join(','),
  });
  const sign = (t: number) => hmac(`${t}.${BODY.toString('utf8')}`).digest('hex');

  it('is expressed with a keyed header part and a prefix (any v1 candidate may match)', () => {
    const stripe = aSpec({
      parts: ['$header.stripe-signature[t]', '$body'],
      separator: '.',
      compare_with: '$header.stripe-signature',
      prefix: 'v1=',
      timestamp: '$header.stripe-signature[t]',
      tolerance_seconds: 300,
    });
    expect(verify(stripe, stripeHeader(NOW_S, sign(NOW_S)))).toEqual({ ok: true });
    // During a secret rotation Stripe sends one v1 per secret.
    expect(verify(stripe, stripeHeader(NOW_S, hmac('x', 'sha256', 'old').digest('hex'), sign(NOW_S)))).toEqual({ ok: true });
    expect(verify(stripe, stripeHeader(NOW_S, hmac('x').digest('hex')))).toMatchObject({ reason: 'signature_mismatch' });
    expect(verify(stripe, stripeHeader(NOW_S - 3600, sign(NOW_S - 3600)))).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
  });

  it('also works with compare_with naming the key', () => {
    const stripe = aSpec({ parts: ['$header.stripe-signature[t]', '$body'], separator: '.', compare_with: '$header.stripe-signature[v1]', timestamp: '$header.stripe-signature[t]' });
    expect(verify(stripe, stripeHeader(NOW_S, sign(NOW_S)))).toEqual({ ok: true });
  });
});

describe("verifySignature: the seed's short form", () => {
  const seed: SignatureSpec = { format: 'HMAC-SHA256', config: { secret: SECRET, algorithm: 'sha256', parts: ['header', 'body'] } };
  const signed = (ts: string) => ({ 'x-timestamp': ts, 'x-signature': hmac(`${ts}${BODY.toString('utf8')}`).digest('hex') });

  it('signs the x-timestamp header then the body, no separator, hex in x-signature', () => {
    expect(verify(seed, signed(String(NOW_S)))).toEqual({ ok: true });
  });

  it('checks the implied timestamp against the default 300 s tolerance, in seconds or milliseconds', () => {
    expect(verify(seed, signed(String(NOW.getTime() - 5000)))).toEqual({ ok: true });
    expect(verify(seed, signed(String(NOW_S - 600)))).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
    expect(verify(seed, signed('yesterday'))).toMatchObject({ reason: 'timestamp_invalid' });
  });

  it('reads the header named by timestamp when it is set', () => {
    const spec: SignatureSpec = { ...seed, config: { ...seed.config, timestamp: '$header.x-ts', tolerance_seconds: 60 } };
    const headers = { 'x-ts': String(NOW_S), 'x-signature': hmac(`${NOW_S}${BODY.toString('utf8')}`).digest('hex') };
    expect(verify(spec, headers)).toEqual({ ok: true });
    expect(verify(spec, headers, BODY, new Date(NOW.getTime() + 61_000))).toMatchObject({ reason: 'timestamp_out_of_tolerance' });
  });

  it('refuses a missing x-timestamp and a missing x-signature', () => {
    const { 'x-timestamp': _ts, ...noTimestamp } = signed(String(NOW_S));
    expect(verify(seed, noTimestamp)).toMatchObject({ reason: 'missing_header' });
    expect(verify(seed, { 'x-timestamp': String(NOW_S) })).toMatchObject({ reason: 'missing_signature' });
  });
});

describe('verifySignature: general form', () => {
  it('defaults to hex HMAC-SHA256 of the body in x-signature', () => {
    expect(verify(aSpec(), { 'x-signature': hmac(BODY).digest('hex') })).toEqual({ ok: true });
  });

  it('supports base64 and sha512', () => {
    const spec = aSpec({ algorithm: 'sha512', encoding: 'base64', compare_with: 'X-Shopify-Hmac-Sha512' });
    expect(verify(spec, { 'x-shopify-hmac-sha512': hmac(BODY, 'sha512').digest('base64') })).toEqual({ ok: true });
    expect(verify(spec, { 'x-shopify-hmac-sha512': hmac(BODY, 'sha512').digest('hex') })).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('supports Svix-style "v1,<base64>" candidates separated by spaces', () => {
    const spec = aSpec({
      parts: ['$header.webhook-id', '$header.webhook-timestamp', '$body'],
      separator: '.',
      compare_with: 'webhook-signature',
      prefix: 'v1,',
      encoding: 'base64',
      timestamp: 'webhook-timestamp',
    });
    const good = hmac(`msg_1.${NOW_S}.${BODY.toString('utf8')}`).digest('base64');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW_S), 'webhook-signature': `v1,${hmac('old').digest('base64')} v1,${good}` };
    expect(verify(spec, headers)).toEqual({ ok: true });
  });

  it('treats other parts as literal text', () => {
    const spec = aSpec({ parts: ['POST', '/hooks', '$body'], separator: '\n' });
    expect(verify(spec, { 'x-signature': hmac(`POST\n/hooks\n${BODY.toString('utf8')}`).digest('hex') })).toEqual({ ok: true });
  });

  it('signs the raw bytes, not a re-encoding of them', () => {
    const raw = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x20, 0x22, 0xc3, 0xa9, 0x22, 0x7d, 0x0a]); // {"a": "é"}\n
    expect(verify(aSpec(), { 'x-signature': hmac(raw).digest('hex') }, raw)).toEqual({ ok: true });
  });

  it('reports definition errors as misconfigured', () => {
    expect(verify(aSpec({ secret: '' }), { 'x-signature': 'ab' })).toMatchObject({ reason: 'misconfigured' });
    expect(verify(aSpec({ algorithm: 'sha1' }, 'HMAC-SHA256'), { 'x-signature': 'ab' })).toMatchObject({ reason: 'misconfigured' });
    expect(verify(aSpec({ tolerance_seconds: 60 }), { 'x-signature': 'ab' })).toMatchObject({ reason: 'misconfigured' });
    expect(verify(aSpec({ compare_with: '$body' }), { 'x-signature': 'ab' })).toMatchObject({ reason: 'misconfigured' });
    expect(verify(aSpec({ timestamp: '$body.ts' }), { 'x-signature': 'ab' })).toMatchObject({ reason: 'misconfigured' });
  });

  it('never puts the secret or the expected signature in a message', () => {
    const expected = hmac(BODY).digest('hex');
    const result = verify(aSpec(), { 'x-signature': 'deadbeef' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(expected);
  });
});

describe('parseTimestamp', () => {
  it('reads seconds, milliseconds and ISO dates', () => {
    expect(parseTimestamp('1714564800')).toBe(1714564800000);
    expect(parseTimestamp('1714564800123')).toBe(1714564800123);
    expect(parseTimestamp('1714564800.5')).toBe(1714564800500);
    expect(parseTimestamp('2024-05-01T12:00:00Z')).toBe(1714564800000);
    expect(parseTimestamp('soon')).toBeUndefined();
    expect(parseTimestamp('-5')).toBeUndefined();
  });
});
