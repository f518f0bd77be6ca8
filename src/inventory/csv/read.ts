import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';

/** One CSV record with the line it starts on (1-based, as an editor shows it). */
export type CsvRecord = { kind: 'record'; line: number; cells: string[] } | { kind: 'error'; line: number; message: string };

/**
 * Reads CSV records as they arrive (RFC 4180: quoted fields with `""`, delimiters and line breaks
 * inside quotes; CRLF or LF; a UTF-8 byte order mark is skipped). Blank lines are skipped. A record
 * the parser cannot read (a quote that is never closed, …) comes as an `error` item and the reading
 * goes on. Memory holds one record and one chunk.
 */
export async function* readCsvRecords(source: Readable): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_records_with_error: true, skip_empty_lines: true });
  // Parse errors are raised as soon as the parser meets them, possibly ahead of records still
  // buffered in the stream: they wait here and come out in line order.
  const skipped: Array<{ lines: number; error: CsvError }> = [];
  // csv-parse counts a CRLF inside a quoted field as two lines; `drift` takes those back out.
  let drift = 0;
  let lastEnd = 0;
  let lastEmpty = 0;
  const flushSkipped = function* (before: number): Generator<CsvRecord> {
    while (skipped.length > 0 && (skipped[0] as { lines: number }).lines < before) {
      const { lines, error } = skipped.shift() as { lines: number; error: CsvError };
      const end = Math.max(lines - drift, lastEnd + 1);
      yield { kind: 'error', line: lastEnd + 1, message: describeCsvError(error, end) };
      lastEnd = end;
    }
  };
  parser.on('skip', (error: CsvError) => {
    skipped.push({ lines: Number((error as CsvError & { lines?: number }).lines ?? 0), error });
  });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
      yield* flushSkipped(item.info.lines);
      let crlf = 0;
      for (const cell of item.record) if (cell.includes('\r\n')) crlf += cell.split('\r\n').length - 1;
      drift += crlf;
      const end = item.info.lines - drift;
      const line = lastEnd + 1 + (item.info.empty_lines - lastEmpty);
      lastEnd = end;
      lastEmpty = item.info.empty_lines;
      yield { kind: 'record', line, cells: item.record };
    }
    yield* flushSkipped(Number.POSITIVE_INFINITY);
  } finally {
    source.unpipe(parser);
    if (!source.destroyed) source.destroy();
  }
}

function describeCsvError(error: CsvError, line: number): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted field opened here is not closed before the end of the file (the rest of the file from here was skipped; line ${line} is the last)`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted field is followed by other characters before the next comma or line break (write a quote inside a quoted field as "")';
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_INCONSISTENT_COLUMNS':
      return 'has a different number of fields than the header';
    default:
      return `cannot be read as CSV: ${error.message.replace(/ at line \d+.*$/, '')}`;
  }
}
