import { describe, expect, it } from 'vitest';
import { MASK, redactText } from './masking.js';

describe('redactText', () => {
  it('masks every plain occurrence of each secret', () => {
    expect(redactText('token=abcd1234; again abcd1234; pw=hunter22', ['abcd1234', 'hunter22'])).toBe(
      'token=******; again ******; pw=******',
    );
  });

  it('uses the mask "******"', () => {
    expect(MASK).toBe('******');
  });

  it('masks the URL-encoded spelling (encodeURIComponent)', () => {
    expect(redactText('https://api.test/x?key=p%40ss%2Fw%3Drd&other=1', ['p@ss/w=rd'])).toBe('https://api.test/x?key=******&other=1');
  });

  it('masks the spelling URLSearchParams gives a token put in the query ("+" for space, %7E for "~")', () => {
    const secret = 'ab~cd ef!';
    const url = new URL('https://api.test/x');
    url.searchParams.set('token', secret);
    expect(url.toString()).toBe('https://api.test/x?token=ab%7Ecd+ef%21');
    expect(redactText(url.toString(), [secret])).toBe('https://api.test/x?token=******');
  });

  it('masks a secret whole when a shorter secret is part of it', () => {
    expect(redactText('long=abcdefgh short=abcd', ['abcd', 'abcdefgh'])).toBe('long=****** short=******');
  });

  it('skips secrets shorter than 4 characters', () => {
    expect(redactText('a cat sat on abc', ['a', 'ca', 'abc'])).toBe('a cat sat on abc');
    expect(redactText('word', ['word'])).toBe('******');
  });

  it('accepts any iterable and leaves text without secrets unchanged', () => {
    expect(redactText('nothing here', new Set(['secret-value']))).toBe('nothing here');
    expect(redactText('secret-value', new Set(['secret-value']))).toBe('******');
    expect(redactText('', ['secret-value'])).toBe('');
  });
});
