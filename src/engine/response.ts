import { evaluate } from './expressions.js';
import { readDotPath } from './pagination/index.js';
import type { ResponseView } from './rate-limit.js';
import { renderString, type Scope } from './templates/index.js';

/**
 * The records of a response: the value at `response_path` (a dot path) or the whole body.
 * An array is the records; an object is one record (a `get`); nothing there is no records.
 *
 * @example extractRecords({ data: { users: [{ id: 1 }] } }, 'data.users') // [{ id: 1 }]
 */
export function extractRecords(body: unknown, responsePath: string | undefined): unknown[] {
  const value = responsePath ? readDotPath(body, responsePath) : body;
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null || value === '') return [];
  return [value];
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  return true;
}

/**
 * A definition's `error_expression`: a `{{template}}` over `{response}` (seed 002 writes
 * `{{response.error}}`) or a JSONata expression over `{status, headers, body}`. A non-empty
 * result is the error message, for APIs that answer errors with a 200.
 */
export async function errorFromExpression(expression: string | undefined, view: ResponseView): Promise<string | undefined> {
  if (!expression) return undefined;
  let value: unknown;
  if (expression.includes('{{')) {
    const scope: Scope = { response: view.body, status: view.status, headers: view.headers };
    value = renderString(expression, scope).value;
  } else {
    value = await evaluate(expression, view);
  }
  if (!present(value)) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
