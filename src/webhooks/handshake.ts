import { evaluate, ExpressionError } from '../engine/expressions.js';

/** The seed's value of `handle_verification`: no handshake, just verify every request's signature. */
export const VERIFY_ONLY = 'verify_webhook_signature';

/** What the handshake expression sees. */
export interface HandshakeInput {
  headers: Readonly<Record<string, string | undefined>>;
  /** Parsed: a JSON document, a form's fields, or the text. */
  body: unknown;
  query: Readonly<Record<string, unknown>>;
}

export type HandshakeOutcome =
  /** Not a handshake: verify and store the event. */
  | { kind: 'none' }
  /** Answer with this and stop: a string goes out as text/plain, anything else as JSON. */
  | { kind: 'answer'; contentType: string; payload: string }
  /** The expression is broken; the caller logs it and treats the request as an event. */
  | { kind: 'error'; error: ExpressionError };

/**
 * Answers a provider's subscription handshake (challenge) from `webhook.handle_verification`:
 * absent or `"verify_webhook_signature"` → never a handshake; otherwise a JSONata expression over
 * `{ headers, body, query }` whose result, unless undefined, null or false, is the answer.
 *
 * The answer is computed from the request alone — the expression never sees the secret or any
 * stored data — which is why it may be given before the signature is checked (Microsoft Graph's
 * `validationToken` request carries no signature at all).
 *
 * @example await answerHandshake('body.type = "url_verification" ? { "challenge": body.challenge }',
 *   { headers: {}, body: { type: 'url_verification', challenge: 'abc' }, query: {} })
 * // → { kind: 'answer', contentType: 'application/json; charset=utf-8', payload: '{"challenge":"abc"}' }
 * @example await answerHandshake('query.validationToken', { headers: {}, body: '', query: { validationToken: 'tok' } })
 * // → { kind: 'answer', contentType: 'text/plain; charset=utf-8', payload: 'tok' }
 */
export async function answerHandshake(handleVerification: string | undefined, input: HandshakeInput): Promise<HandshakeOutcome> {
  if (handleVerification === undefined || handleVerification.trim() === '' || handleVerification.trim() === VERIFY_ONLY) return { kind: 'none' };
  let result: unknown;
  try {
    result = await evaluate(handleVerification, input);
  } catch (error) {
    if (error instanceof ExpressionError) return { kind: 'error', error };
    throw error;
  }
  if (result === undefined || result === null || result === false || typeof result === 'function') return { kind: 'none' };
  if (typeof result === 'string') return { kind: 'answer', contentType: 'text/plain; charset=utf-8', payload: result };
  // JSONata results may hold functions; JSON drops them.
  return { kind: 'answer', contentType: 'application/json; charset=utf-8', payload: JSON.stringify(result, (_key, v: unknown) => (typeof v === 'function' ? undefined : v)) };
}
