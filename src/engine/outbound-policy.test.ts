import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { parseOutboundAllow } from './outbound-policy.js';

describe('parseOutboundAllow("") — public addresses only', () => {
  const policy = parseOutboundAllow('');

  it.each(['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['64:ff9b::7f00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    const verdict = policy.check(address);
    expect(verdict).toMatchObject({ allowed: false, address, range });
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address it carries', () => {
    expect(policy.check('::ffff:127.0.0.1')).toMatchObject({ allowed: false, address: '127.0.0.1', range: 'loopback' });
    expect(policy.check('::ffff:10.0.0.1')).toMatchObject({ allowed: false, address: '10.0.0.1', range: 'private' });
  });

  it('says what was refused and which setting opens it', () => {
    const verdict = policy.check('127.0.0.1');
    expect(verdict.allowed).toBe(false);
    if (verdict.allowed) return;
    expect(verdict.message).toBe(
      'Outbound request to 127.0.0.1 (loopback) refused by the outbound policy; ' +
        'add it to SWITCHYARD_OUTBOUND_ALLOW (for example 127.0.0.0/8) to allow it.',
    );
  });

  it('suggests only the single address for link-local, never the whole metadata block', () => {
    const verdict = policy.check('169.254.169.254');
    expect(verdict.allowed === false && verdict.message).toContain('(link-local)');
    expect(verdict.allowed === false && verdict.message).toContain('for example 169.254.169.254/32');
  });

  it('refuses a string that is not an address', () => {
    expect(policy.check('not-an-ip')).toMatchObject({ allowed: false, range: 'invalid' });
  });

  it('ignores the host name when nothing is listed', () => {
    expect(policy.check('127.0.0.1', 'localhost').allowed).toBe(false);
  });
});

describe('parseOutboundAllow with an allow list', () => {
  it('opens listed IPv4 and IPv6 CIDRs and nothing else', () => {
    const policy = parseOutboundAllow('127.0.0.0/8, ::1/128 ,10.0.0.0/8');
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.255.0.9').allowed).toBe(true);
    expect(policy.check('::1').allowed).toBe(true);
    expect(policy.check('10.200.0.1').allowed).toBe(true);
    expect(policy.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(policy.check('192.168.0.1').allowed).toBe(false);
    expect(policy.check('169.254.169.254').allowed).toBe(false);
    expect(policy.check('fc00::1').allowed).toBe(false);
  });

  it('treats a bare IP as a single-address CIDR', () => {
    const policy = parseOutboundAllow('127.0.0.1,fd00::5');
    expect(policy.check('127.0.0.1').allowed).toBe(true);
    expect(policy.check('127.0.0.2').allowed).toBe(false);
    expect(policy.check('fd00::5').allowed).toBe(true);
    expect(policy.check('fd00::6').allowed).toBe(false);
  });

  it('opens IPv4 through an IPv4-mapped CIDR', () => {
    expect(parseOutboundAllow('::ffff:10.0.0.0/104').check('10.9.9.9').allowed).toBe(true);
  });

  it('matches host names exactly and case-insensitively', () => {
    const policy = parseOutboundAllow('Api.Internal');
    expect(policy.check('10.0.0.7', 'api.internal').allowed).toBe(true);
    expect(policy.check('10.0.0.7', 'API.INTERNAL.').allowed).toBe(true);
    expect(policy.check('10.0.0.7', 'other.internal').allowed).toBe(false);
    expect(policy.check('10.0.0.7', 'x.api.internal').allowed).toBe(false);
    expect(policy.check('10.0.0.7').allowed).toBe(false);
  });

  it('matches wildcard host names on subdomains only', () => {
    const policy = parseOutboundAllow('*.corp.example');
    expect(policy.check('10.0.0.7', 'db.corp.example').allowed).toBe(true);
    expect(policy.check('10.0.0.7', 'a.b.corp.example').allowed).toBe(true);
    expect(policy.check('10.0.0.7', 'corp.example').allowed).toBe(false);
    expect(policy.check('10.0.0.7', 'evilcorp.example').allowed).toBe(false);
  });

  it('opens everything with *', () => {
    const policy = parseOutboundAllow('*');
    for (const address of ['127.0.0.1', '169.254.169.254', '::1', 'fc00::1', '0.0.0.0']) {
      expect(policy.check(address).allowed).toBe(true);
    }
  });

  it('skips empty entries', () => {
    expect(parseOutboundAllow(' , 127.0.0.0/8,,').check('127.0.0.1').allowed).toBe(true);
  });

  it.each(['10.0.0.0/33', '::1/129', '10.0.0/8', '10.0.0.0/abc', 'http://example.com', 'foo bar', '*.', '0x7f.1', '127.1', 'a_b/c'])(
    'rejects the bad entry %s, naming it and the variable',
    (entry) => {
      const parse = () => parseOutboundAllow(`127.0.0.0/8,${entry}`);
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(`"${entry}"`);
      expect(parse).toThrow(/^SWITCHYARD_OUTBOUND_ALLOW: /);
    },
  );
});
