import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ConfigError } from '../config.js';

/** The outcome of checking one address; a refusal carries a message meant for the user. */
export type PolicyVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** The address refused, IPv4-mapped IPv6 already turned into IPv4. */
      address: string;
      /** ipaddr.js range name, e.g. `loopback`, `private`, `linkLocal`, `uniqueLocal`. */
      range: string;
      message: string;
    };

/**
 * Decides whether an outbound connection may reach an address. Pure: the caller resolves
 * names and passes the address the socket is about to connect to.
 *
 * @example
 * const policy = parseOutboundAllow('127.0.0.0/8');
 * policy.check('127.0.0.1');            // { allowed: true }
 * policy.check('10.0.0.1').allowed;     // false
 * policy.check('10.0.0.1', 'db.internal'); // false unless `db.internal` is listed
 */
export interface OutboundPolicy {
  check(address: string, hostname?: string): PolicyVerdict;
}

const VARIABLE = 'SWITCHYARD_OUTBOUND_ALLOW';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

interface AllowList {
  all: boolean;
  cidrs: Cidr[];
  hosts: Set<string>;
  /** Suffixes such as `.example.com` from `*.example.com` entries. */
  hostSuffixes: string[];
}

// One DNS label: letters, digits and inner hyphens (underscores appear in real internal names).
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

const RANGE_LABELS: Record<string, string> = {
  linkLocal: 'link-local',
  uniqueLocal: 'unique local',
  carrierGradeNat: 'carrier-grade NAT',
  ipv4Mapped: 'IPv4-mapped',
  deprecatedSiteLocal: 'site-local',
};

/**
 * Parses `SWITCHYARD_OUTBOUND_ALLOW`: comma-separated CIDRs, bare IPs, host names
 * (`api.internal`, `*.corp.example`) or `*`. Public unicast addresses are always allowed;
 * the list opens everything else. Throws `ConfigError` naming the first bad entry.
 *
 * @example
 * parseOutboundAllow('');                            // public addresses only
 * parseOutboundAllow('127.0.0.0/8,::1/128,*.corp.example');
 * parseOutboundAllow('*');                           // everything, including cloud metadata
 */
export function parseOutboundAllow(raw: string): OutboundPolicy {
  const list: AllowList = { all: false, cidrs: [], hosts: new Set(), hostSuffixes: [] };
  for (const entry of raw.split(',').map((part) => part.trim())) {
    if (entry !== '') addEntry(list, entry);
  }
  return { check: (address, hostname) => check(list, address, hostname) };
}

function addEntry(list: AllowList, entry: string): void {
  if (entry === '*') {
    list.all = true;
    return;
  }
  const cidr = parseCidrEntry(entry);
  if (cidr) {
    list.cidrs.push(cidr);
    return;
  }
  const host = entry.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('*.') && HOST_NAME.test(host.slice(2))) {
    list.hostSuffixes.push(host.slice(1));
    return;
  }
  if (HOST_NAME.test(host) && !looksNumeric(host)) {
    list.hosts.add(host);
    return;
  }
  throw new ConfigError(
    VARIABLE,
    `"${entry}" is not a CIDR (10.0.0.0/8), an IP address (::1), a host name (api.internal, *.corp.example) or *`,
  );
}

/** Accepts `a.b.c.d/n`, `v6/n` and bare addresses (as /32 or /128); null when the entry is not IP-shaped. */
function parseCidrEntry(entry: string): Cidr | null {
  const slash = entry.indexOf('/');
  const address = stripBrackets(slash === -1 ? entry : entry.slice(0, slash));
  // node:net's isIP is strict (no `0x7f.1`, no `127.1`), which is what an operator means to write.
  const family = isIP(address);
  if (family === 0) {
    if (slash === -1) return null;
    throw new ConfigError(VARIABLE, `"${entry}" is not a valid CIDR: "${address}" is not an IP address`);
  }
  const max = family === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : entry.slice(slash + 1);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) {
    throw new ConfigError(VARIABLE, `"${entry}" is not a valid CIDR: the prefix length must be 0 to ${max}`);
  }
  const parsed = ipaddr.parse(address);
  // `::ffff:10.0.0.0/104` should open what the checker sees after ipaddr.process(), i.e. IPv4.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return [(parsed as ipaddr.IPv6).toIPv4Address(), prefix - 96];
  }
  return [parsed, prefix];
}

function check(list: AllowList, rawAddress: string, hostname: string | undefined): PolicyVerdict {
  if (list.all) return { allowed: true };
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns ::ffff:127.0.0.1 into 127.0.0.1 so the IPv4 ranges apply to it.
    address = ipaddr.process(stripBrackets(rawAddress));
  } catch {
    return refuse(rawAddress, 'invalid', `${rawAddress} is not an IP address`);
  }
  const range = address.range();
  if (range === 'unicast') return { allowed: true };
  if (list.cidrs.some(([net, bits]) => net.kind() === address.kind() && address.match(net, bits))) {
    return { allowed: true };
  }
  if (hostname !== undefined && hostAllowed(list, hostname)) return { allowed: true };
  const text = address.toString();
  return refuse(text, range, suggestCidr(address, range));
}

function hostAllowed(list: AllowList, hostname: string): boolean {
  const host = stripBrackets(hostname).toLowerCase().replace(/\.$/, '');
  return list.hosts.has(host) || list.hostSuffixes.some((suffix) => host.endsWith(suffix));
}

function refuse(address: string, range: string, example: string): PolicyVerdict {
  const label = RANGE_LABELS[range] ?? range;
  return {
    allowed: false,
    address,
    range,
    message:
      `Outbound request to ${address} (${label}) refused by the outbound policy; ` +
      `add it to ${VARIABLE} (for example ${example}) to allow it.`,
  };
}

// Suggest the conventional block for loopback and RFC 1918, but only the single address for
// anything else: opening all of 169.254.0.0/16 would expose cloud metadata endpoints.
function suggestCidr(address: ipaddr.IPv4 | ipaddr.IPv6, range: string): string {
  if (address.kind() === 'ipv4') {
    const blocks: Record<string, string[]> = {
      loopback: ['127.0.0.0/8'],
      private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    };
    const block = blocks[range]?.find((cidr) => address.match(ipaddr.parseCIDR(cidr)));
    return block ?? `${address.toString()}/32`;
  }
  return `${address.toString()}/128`;
}

// URLs parse a host whose last label is a number (`127.1`, `0x7f.1`) as an IPv4 address, so
// such an entry could never match a host name; it is a mistyped address.
function looksNumeric(host: string): boolean {
  const last = host.slice(host.lastIndexOf('.') + 1);
  return /^(?:\d+|0x[0-9a-f]*)$/.test(last);
}

function stripBrackets(value: string): string {
  return value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
}
