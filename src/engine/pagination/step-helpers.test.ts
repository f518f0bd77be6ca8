import { describe, expect, it } from 'vitest';
import { readHeader, resolveLimit, resolveNextUrl, withHeader } from './step-helpers.js';

describe('resolveLimit', () => {
  it('takes the caller, then the definition, then 100, capped by max_limit', () => {
    expect(resolveLimit({})).toBe(100);
    expect(resolveLimit({ limit: 30 })).toBe(30);
    expect(resolveLimit({ limit: 30 }, 10)).toBe(10);
    expect(resolveLimit({ max_limit: 50 })).toBe(50);
    expect(resolveLimit({ limit: 40, max_limit: 50 }, 70)).toBe(50);
    expect(resolveLimit({}, 2.7)).toBe(2);
  });
});

describe('headers', () => {
  it('reads and replaces headers whatever their case', () => {
    expect(readHeader({ 'Content-Range': 'x' }, 'content-range')).toBe('x');
    expect(readHeader({ link: 'y' }, 'Link')).toBe('y');
    expect(withHeader({ range: 'a', RANGE: 'b', other: 'c' }, 'Range', 'd')).toEqual({ other: 'c', Range: 'd' });
  });
});

describe('resolveNextUrl', () => {
  it('resolves relative links and keeps absolute ones on the same origin', () => {
    expect(resolveNextUrl('?page=2', 'https://a.x/v1/items?page=1')).toBe('https://a.x/v1/items?page=2');
    expect(resolveNextUrl('//a.x/v1/items?page=3', 'https://a.x/v1/items')).toBe('https://a.x/v1/items?page=3');
    expect(resolveNextUrl('https://a.x/v2', undefined)).toBe('https://a.x/v2');
  });

  it('refuses other origins, other schemes and unresolvable links', () => {
    expect(() => resolveNextUrl('https://b.x/', 'https://a.x/')).toThrow(expect.objectContaining({ code: 'PAGINATION_CROSS_ORIGIN' }));
    expect(() => resolveNextUrl('http://a.x/', 'https://a.x/')).toThrow(expect.objectContaining({ code: 'PAGINATION_CROSS_ORIGIN' }));
    expect(() => resolveNextUrl('javascript:alert(1)', 'https://a.x/')).toThrow(expect.objectContaining({ code: 'PAGINATION_URL_INVALID' }));
    expect(() => resolveNextUrl('/relative', undefined)).toThrow(/no current URL/);
    expect(resolveNextUrl('https://b.x/', 'https://a.x/', true)).toBe('https://b.x/');
  });
});
