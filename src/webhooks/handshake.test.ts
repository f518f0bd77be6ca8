import { describe, expect, it } from 'vitest';
import { answerHandshake, type HandshakeInput, VERIFY_ONLY } from './handshake.js';

const SLACK = 'body.type = "url_verification" ? { "challenge": body.challenge }';
const GRAPH = 'query.validationToken';

function anInput(input: Partial<HandshakeInput> = {}): HandshakeInput {
  return { headers: {}, body: {}, query: {}, ...input };
}

describe('answerHandshake', () => {
  it('never answers without handle_verification or with "verify_webhook_signature"', async () => {
    const input = anInput({ body: { type: 'url_verification', challenge: 'abc' } });
    expect(await answerHandshake(undefined, input)).toEqual({ kind: 'none' });
    expect(await answerHandshake(VERIFY_ONLY, input)).toEqual({ kind: 'none' });
    expect(await answerHandshake('  ', input)).toEqual({ kind: 'none' });
  });

  it("answers Slack's url_verification with the challenge as JSON", async () => {
    const outcome = await answerHandshake(SLACK, anInput({ body: { token: 't', type: 'url_verification', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' } }));
    expect(outcome).toEqual({
      kind: 'answer',
      contentType: 'application/json; charset=utf-8',
      payload: '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}',
    });
  });

  it('lets ordinary events through (the expression gives nothing or false)', async () => {
    expect(await answerHandshake(SLACK, anInput({ body: { type: 'event_callback', event: { type: 'message' } } }))).toEqual({ kind: 'none' });
    expect(await answerHandshake('body.type = "url_verification"', anInput({ body: { type: 'event_callback' } }))).toEqual({ kind: 'none' });
    expect(await answerHandshake(GRAPH, anInput({ body: { value: [] } }))).toEqual({ kind: 'none' });
    expect(await answerHandshake(SLACK, anInput({ body: 'not json at all' }))).toEqual({ kind: 'none' });
  });

  it("echoes Microsoft Graph's validationToken as plain text", async () => {
    expect(await answerHandshake(GRAPH, anInput({ query: { validationToken: 'Validation: Testing client application reachability' } }))).toEqual({
      kind: 'answer',
      contentType: 'text/plain; charset=utf-8',
      payload: 'Validation: Testing client application reachability',
    });
  });

  it('can read headers (lower-case names)', async () => {
    const outcome = await answerHandshake('headers."x-hook-secret"', anInput({ headers: { 'x-hook-secret': 'h-123' } }));
    expect(outcome).toEqual({ kind: 'answer', contentType: 'text/plain; charset=utf-8', payload: 'h-123' });
  });

  it('returns a broken expression as an error value instead of throwing', async () => {
    const invalid = await answerHandshake('body.type = ', anInput());
    expect(invalid).toMatchObject({ kind: 'error', error: { code: 'EXPRESSION_INVALID' } });
    const failing = await answerHandshake('$number(body.x)', anInput({ body: { x: 'abc' } }));
    expect(failing).toMatchObject({ kind: 'error', error: { code: 'EXPRESSION_FAILED' } });
  });
});
