import { describe, expect, it } from 'vitest';
import { eventType, parseBody, storedHeaders } from './payload.js';

describe('storedHeaders', () => {
  it('drops signatures, credentials, the configured signature header and transport headers', () => {
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-hub-signature-256': 'sha256=abc',
      'stripe-signature': 't=1,v1=abc',
      'x-shopify-hmac-sha256': 'abc=',
      authorization: 'Bearer x',
      cookie: 'a=b',
      'x-gitlab-token': 'tok',
      'x-sig': 'abc',
      connection: 'keep-alive',
      'x-request-timestamp': '1700000000',
    };
    expect(storedHeaders(headers, ['X-Sig'])).toEqual({ 'content-type': 'application/json', 'x-github-event': 'push', 'x-request-timestamp': '1700000000' });
  });
});

describe('parseBody', () => {
  it('parses JSON whatever the content type, forms as objects, and keeps other text', () => {
    expect(parseBody(' {"a":1} ', 'text/plain')).toEqual({ a: 1 });
    expect(parseBody('[1,2]', undefined)).toEqual([1, 2]);
    expect(parseBody('{broken', 'application/json')).toBe('{broken');
    expect(parseBody('payload=%7B%22a%22%3A1%7D&x=y', 'application/x-www-form-urlencoded; charset=utf-8')).toEqual({ payload: '{"a":1}', x: 'y' });
    expect(parseBody('hello', 'text/plain')).toBe('hello');
    expect(parseBody('', undefined)).toBe('');
  });
});

describe('eventType', () => {
  it('prefers an event header, then common body fields', () => {
    expect(eventType({ 'x-github-event': 'pull_request' }, { action: 'opened' })).toBe('pull_request');
    expect(eventType({}, { type: 'invoice.paid' })).toBe('invoice.paid');
    expect(eventType({}, { event_type: 'order.created', type: 7 })).toBe('order.created');
    expect(eventType({}, { event: 'meeting.started' })).toBe('meeting.started');
    expect(eventType({}, { event: { type: 'message' } })).toBe('message');
    expect(eventType({}, { data: {} })).toBeNull();
    expect(eventType({}, 'text')).toBeNull();
    expect(eventType({}, [{ type: 'x' }])).toBeNull();
  });
});
