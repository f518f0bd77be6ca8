import { randomBytes } from 'node:crypto';

// Like an ObjectId: the 5 random bytes are drawn once per process, so ids made by one process
// in the same second still sort in creation order (the counter decides).
const processBytes = randomBytes(5);
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A 24-hex-character id in the shape users of the connections API know (`_id`): 4 bytes of
 * seconds since the epoch, 5 random bytes per process and a 3-byte counter, so ids sort by creation time
 * (the list cursor relies on this) and never collide within a process.
 *
 * @example newId() // '6561f0c2a3b4c5d6e7000001'
 */
export function newId(now: Date = new Date()): string {
  const buf = Buffer.alloc(12);
  buf.writeUInt32BE(Math.floor(now.getTime() / 1000) >>> 0, 0);
  processBytes.copy(buf, 4);
  counter = (counter + 1) % 0xffffff;
  buf.writeUIntBE(counter, 9, 3);
  return buf.toString('hex');
}

export const ID_PATTERN = '^[0-9a-f]{24}$';

export function isId(value: string): boolean {
  return /^[0-9a-f]{24}$/.test(value);
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, then random bits, so ids sort by creation time.
 * Used where the contract shows UUIDs (integrations, the `/integration` family).
 *
 * @example newUuid() // '019aa3f2-6c1e-7b3a-9f0e-5d2c8a1b4e77'
 */
export function newUuid(now: Date = new Date()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
