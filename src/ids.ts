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
