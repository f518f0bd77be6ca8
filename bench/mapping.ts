import assert from 'node:assert/strict';
import jsonata from 'jsonata';
import { compileMapping, type ImportMappingSpec, type MappingResult } from '../src/mapping/index.js';
import { type BenchResult, compare, runIfMain, interleave } from './lib/measure.js';

/**
 * Mapping throughput: 1,000,000 generated records through a 12-field mapping (plain paths, nested
 * generate, a template, a number conversion, a static lookup, a hard-coded value), mapped by
 * - the compiled mapping (`compileMapping`),
 * - a hand-written function doing the same (the ceiling: what a developer would write),
 * - JSONata, one expression building the same object (what a generic interpreter costs) — on a
 *   sample of 20,000 records, since it is two orders of magnitude slower; rates are per record.
 * All three are checked to produce equal records on a sample before anything is timed.
 */

const TOTAL = Number(process.env.BENCH_MAPPING_RECORDS ?? 1_000_000);
const JSONATA_SAMPLE = 20_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VS_HAND = { minRatio: 0.5, text: 'ratio ≥ 0.5 (compiled within 2x of hand-written)' };
const VS_JSONATA = { minRatio: 20, text: 'ratio ≥ 20 (compiled 20x faster than JSONata)' };

const STATUS_CODES = { A: 'active', I: 'inactive', P: 'pending' };

export const spec: ImportMappingSpec = {
  mapping: {
    fields: [
      { extract: 'id', generate: 'externalId' },
      { extract: 'email', generate: 'contact.email' },
      { extract: '{first_name} {last_name}', generate: 'contact.name' },
      { extract: 'address.city', generate: 'shipping.city' },
      { extract: 'address.zip', generate: 'shipping.postalCode' },
      { extract: 'address.country', generate: 'shipping.country' },
      { extract: 'total', generate: 'amount', dataType: 'number' },
      { extract: 'status', generate: 'status', lookupName: 'statusCodes' },
      { generate: 'source', hardCodedValue: 'switchyard' },
      { extract: 'company.name', generate: 'companyName' },
      { extract: 'phone', generate: 'phone' },
      { extract: 'created_at', generate: 'createdAt' },
    ],
  },
  lookups: [{ name: 'statusCodes', map: STATUS_CODES }],
};

interface SourceRecord {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  total: string;
  status: 'A' | 'I' | 'P';
  created_at: string;
  address: { street: string; city: string; zip: string; country: string };
  company: { name: string };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie'];
const CITIES = ['Lisbon', 'Oslo', 'Austin', 'Osaka', 'Nairobi', 'Lima'];
const STATUSES = ['A', 'I', 'P'] as const;

export function makeRecords(count: number): SourceRecord[] {
  const records = new Array<SourceRecord>(count);
  for (let i = 0; i < count; i++) {
    records[i] = {
      id: i,
      first_name: FIRST[i % FIRST.length] as string,
      last_name: LAST[(i >> 3) % LAST.length] as string,
      email: `user${i}@example.com`,
      phone: `+1555${String(i % 10_000_000).padStart(7, '0')}`,
      total: ((i % 100_000) / 100).toFixed(2),
      status: STATUSES[i % 3] as SourceRecord['status'],
      created_at: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      address: { street: `${i} Main St`, city: CITIES[i % CITIES.length] as string, zip: String(10_000 + (i % 90_000)), country: 'US' },
      company: { name: `Company ${i % 5000}` },
    };
  }
  return records;
}

/** What a developer would write by hand for this mapping (with the same number check). */
export function handWritten(r: SourceRecord): MappingResult {
  const amount = Number(r.total);
  const record: Record<string, unknown> = {
    externalId: r.id,
    contact: { email: r.email, name: `${r.first_name} ${r.last_name}` },
    shipping: { city: r.address.city, postalCode: r.address.zip, country: r.address.country },
    amount,
    status: STATUS_CODES[r.status],
    source: 'switchyard',
    companyName: r.company.name,
    phone: r.phone,
    createdAt: r.created_at,
  };
  if (!Number.isFinite(amount)) {
    delete record.amount;
    return { ok: false, record, errors: [{ field: 'amount', code: 'conversion', message: `not a number: ${r.total}` }] };
  }
  return { ok: true, record };
}

export const JSONATA_SOURCE = `{
  "externalId": id,
  "contact": { "email": email, "name": first_name & " " & last_name },
  "shipping": { "city": address.city, "postalCode": address.zip, "country": address.country },
  "amount": $number(total),
  "status": $lookup($statusCodes, status),
  "source": "switchyard",
  "companyName": company.name,
  "phone": phone,
  "createdAt": created_at
}`;

/** Strips JSONata's sequence flags so results compare as plain JSON. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

export async function run(): Promise<BenchResult[]> {
  const records = makeRecords(TOTAL);
  const compiled = compileMapping(spec);
  if (compiled.isAsync) throw new Error('the bench mapping should compile to a synchronous function');
  const expression = jsonata(JSONATA_SOURCE);
  const bindings = { statusCodes: STATUS_CODES };

  for (const record of records.slice(0, 1000)) {
    const mapped = compiled.map(record);
    assert.ok(mapped.ok, JSON.stringify(mapped));
    assert.deepEqual(mapped.record, handWritten(record).record);
    assert.deepEqual(mapped.record, asJson(await expression.evaluate(record, bindings)));
  }

  let sink = 0;
  const loop = (fn: (r: SourceRecord) => MappingResult, count: number) => async () => {
    let ok = 0;
    for (let i = 0; i < count; i++) if (fn(records[i] as SourceRecord).ok) ok++;
    sink += ok;
    return ok;
  };
  const [hand, viaCompiled] = await interleave(
    [
      { label: 'hand-written function', run: loop(handWritten, TOTAL) },
      { label: 'compileMapping', run: loop((r) => compiled.map(r), TOTAL) },
    ],
    { runs: RUNS, warmup: 2, expectedRecords: TOTAL },
  );
  const [viaJsonata] = await interleave(
    [
      {
        label: `JSONata (${JSONATA_SAMPLE.toLocaleString('en-US')}-record sample)`,
        run: async () => {
          let count = 0;
          for (let i = 0; i < JSONATA_SAMPLE; i++) if ((await expression.evaluate(records[i], bindings)) !== undefined) count++;
          return count;
        },
      },
    ],
    { runs: RUNS, warmup: 1, expectedRecords: JSONATA_SAMPLE },
  );
  if (!hand || !viaCompiled || !viaJsonata || sink === 0) throw new Error('interleave lost a variant');
  const shape = `${TOTAL.toLocaleString('en-US')} records, 12 fields (paths, nested generate, template, number, static lookup, hard-coded value); outputs checked equal on 1,000 records`;
  return [compare('mapping (compiled vs hand-written)', hand, viaCompiled, VS_HAND, [shape]), compare('mapping (compiled vs JSONata)', viaJsonata, viaCompiled, VS_JSONATA)];
}

await runIfMain(import.meta.url, run);
