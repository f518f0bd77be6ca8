import { describe, expect, it } from 'vitest';
import { compileExpression, evaluate, ExpressionError, isHeaderName, readHeaderOrExpression } from './expressions.js';

describe('expressions', () => {
  it('evaluates JSONata over the input and caches the compiled form', async () => {
    expect(await evaluate('status = 429 or body.error = "ratelimited"', { status: 200, body: { error: 'ratelimited' } })).toBe(true);
    expect(compileExpression('a + 1')).toBe(compileExpression('a + 1'));
  });

  it('reports invalid and failing expressions with the source', async () => {
    expect(() => compileExpression('a +')).toThrow(ExpressionError);
    await expect(evaluate('$undefinedFunction(1)', {})).rejects.toMatchObject({ code: 'EXPRESSION_FAILED', source: '$undefinedFunction(1)' });
  });

  it('tells header names from expressions', async () => {
    expect(isHeaderName('Retry-After')).toBe(true);
    expect(isHeaderName('X-RateLimit-Remaining')).toBe(true);
    expect(isHeaderName('headers."retry-after"')).toBe(false);
    const response = { status: 429, headers: { 'retry-after': '3', 'x-wait': '7' }, body: { wait: 9 } };
    expect(await readHeaderOrExpression('Retry-After', response)).toBe('3');
    expect(await readHeaderOrExpression('body.wait', response)).toBe(9);
    expect(await readHeaderOrExpression('$number(headers."x-wait") * 2', response)).toBe(14);
  });
});
