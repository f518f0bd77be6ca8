import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it('recognises a terminated backend, a lost socket and a refused connection', () => {
    expect(isStoreUnavailable(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isStoreUnavailable(withCode('the database system is starting up', '57P03'))).toBe(true);
    expect(isStoreUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStoreUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isStoreUnavailable(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it('looks through causes', () => {
    expect(isStoreUnavailable(new Error('commit failed', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
  });

  it('does not mistake query errors or anything else for an outage', () => {
    expect(isStoreUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isStoreUnavailable(withCode('relation "x" does not exist', '42P01'))).toBe(false);
    expect(isStoreUnavailable(withCode('SQLITE_CONSTRAINT: UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'))).toBe(false);
    expect(isStoreUnavailable(new Error('boom'))).toBe(false);
    expect(isStoreUnavailable('Connection terminated')).toBe(false);
    expect(isStoreUnavailable(undefined)).toBe(false);
  });
});
