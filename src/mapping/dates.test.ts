import { describe, expect, it } from 'vitest';
import { compileDateConversion, type DateOptions, Zone } from './dates.js';
import { Failure, MappingError } from './errors.js';

const convert = (options: DateOptions, value: unknown) => compileDateConversion(options, 'at')(value);

describe('parsing', () => {
  it.each<[DateOptions, unknown, unknown]>([
    // ISO 8601 by default, with or without an offset, T or a space, seconds, fractions.
    [{}, '2017-11-30T03:33:38.751Z', '2017-11-30T03:33:38.751Z'],
    [{}, '2017-09-15T14:02:00.000-07:00', '2017-09-15T21:02:00.000Z'],
    [{}, '2017-09-15T14:02:00+0530', '2017-09-15T08:32:00.000Z'],
    [{}, '2017-09-15 14:02', '2017-09-15T14:02:00.000Z'],
    [{}, '2017-09-15', '2017-09-15T00:00:00.000Z'],
    [{}, '2017-09-15T14:02:00.123456Z', '2017-09-15T14:02:00.123Z'],
    [{}, 1512012818751, '2017-11-30T03:33:38.751Z'],
    // The seed example: wall-clock time in Los Angeles.
    [{ extractDateTimezone: 'America/Los_Angeles' }, '2017-11-30 03:33', '2017-11-30T11:33:00.000Z'],
    [{ extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' }, '2017-11-30 03:33', '2017-11-30T11:33:00.000Z'],
    [{ extractDateFormat: 'MM/DD/YYYY', extractDateTimezone: 'Asia/Kolkata' }, '1/5/2024', '2024-01-04T18:30:00.000Z'],
    [{ extractDateFormat: 'DD.MM.YYYY HH:mm:ss.SSS' }, '31.12.1999 23:59:59.5', '1999-12-31T23:59:59.500Z'],
    [{ extractDateFormat: 'YYYYMMDD' }, '20171130', '2017-11-30T00:00:00.000Z'],
    [{ extractDateFormat: 'YYYYMMDD' }, 20171130, '2017-11-30T00:00:00.000Z'],
    [{ extractDateFormat: 'YYYY-MM-DD[T]HH:mmZ', extractDateTimezone: 'Asia/Tokyo' }, '2017-11-30T03:33+01:00', '2017-11-30T02:33:00.000Z'],
    [{ extractDateFormat: 'epoch' }, '1512012818751', '2017-11-30T03:33:38.751Z'],
    [{ extractDateFormat: 'epochSeconds' }, 1512012818, '2017-11-30T03:33:38.000Z'],
    [{ extractDateFormat: 'X' }, '1512012818', '2017-11-30T03:33:38.000Z'],
    [{}, '0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('%j reads %j', (options, value, expected) => {
    expect(convert(options, value)).toEqual(expected);
  });

  it.each<[DateOptions, unknown]>([
    [{}, 'yesterday'],
    [{}, '2017-02-29'],
    [{}, '2017-13-01'],
    [{}, '2017-11-30T25:00'],
    [{}, '2017-11-30T10:00 trailing'],
    [{}, true],
    [{ extractDateFormat: 'MM/DD/YYYY' }, '2017-11-30'],
    [{ extractDateFormat: 'epoch' }, 'soon'],
    [{ extractDateFormat: 'epoch' }, ''],
  ])('%j refuses %j', (options, value) => {
    const result = convert(options, value);
    expect(result).toBeInstanceOf(Failure);
    expect((result as Failure).message).toMatch(/^cannot read .* as a date \(expected /);
  });
});

describe('time zones across DST', () => {
  const la = { extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/Los_Angeles' };
  it('uses the offset in force at that date', () => {
    expect(convert(la, '2017-07-01 12:00')).toBe('2017-07-01T19:00:00.000Z');
    expect(convert(la, '2017-01-01 12:00')).toBe('2017-01-01T20:00:00.000Z');
  });
  it('moves a skipped wall-clock time forward (spring forward)', () => {
    expect(convert(la, '2017-03-12 02:30')).toBe('2017-03-12T10:30:00.000Z'); // = 03:30 PDT
  });
  it('takes the first of a repeated wall-clock time (fall back)', () => {
    expect(convert(la, '2017-11-05 01:30')).toBe('2017-11-05T08:30:00.000Z'); // 01:30 PDT, not PST
  });
  it('is exact around a transition that is not on a quarter hour (offsets are cached by quarter hour)', () => {
    const monrovia = new Zone('Africa/Monrovia'); // -0:44:30 until 1972-01-07 00:44:30 UTC
    const at = Date.UTC(1972, 0, 7, 0, 44, 30);
    expect([at - 60_000, at - 1000, at, at + 1000].map((t) => monrovia.offsetAt(t) / 1000)).toEqual([-2670, -2670, 0, 0]);
    const la = new Zone('America/Los_Angeles');
    const spring = Date.UTC(2017, 2, 12, 10);
    expect([spring - 1000, spring].map((t) => la.offsetAt(t) / 3_600_000)).toEqual([-8, -7]);
  });

  it('handles half-hour zones and southern-hemisphere DST', () => {
    expect(new Zone('Asia/Kathmandu').offsetAt(Date.UTC(2020, 0, 1)) / 60_000).toBe(345);
    expect(new Zone('Australia/Sydney').offsetAt(Date.UTC(2020, 0, 1)) / 60_000).toBe(660);
    expect(new Zone('Australia/Sydney').offsetAt(Date.UTC(2020, 6, 1)) / 60_000).toBe(600);
  });
});

describe('formatting', () => {
  const at = '2017-11-30T03:33:38.751Z';
  it.each<[DateOptions, unknown]>([
    [{ generateDateFormat: 'YYYY-MM-DD' }, '2017-11-30'],
    [{ generateDateFormat: 'MM/DD/YYYY HH:mm:ss.SSS' }, '11/30/2017 03:33:38.751'],
    [{ generateDateTimezone: 'America/Los_Angeles' }, '2017-11-29T19:33:38.751-08:00'],
    [{ generateDateFormat: 'YYYY-MM-DD HH:mm ZZ', generateDateTimezone: 'Asia/Kolkata' }, '2017-11-30 09:03 +0530'],
    [{ generateDateFormat: 'YYYY-MM-DD[T]HH:mm Z' }, '2017-11-30T03:33 +00:00'],
    [{ generateDateFormat: '[Day] DD' }, 'Day 30'],
    [{ generateDateFormat: 'epoch' }, 1512012818751],
    [{ generateDateFormat: 'x' }, 1512012818751],
    [{ generateDateFormat: 'epochSeconds' }, 1512012818],
  ])('%j writes %j', (options, expected) => {
    expect(convert(options, at)).toEqual(expected);
  });

  it('converts between zones', () => {
    const options = { extractDateFormat: 'YYYY-MM-DD HH:mm', extractDateTimezone: 'America/New_York', generateDateFormat: 'YYYY-MM-DD HH:mm', generateDateTimezone: 'Europe/Berlin' };
    expect(convert(options, '2024-06-01 09:00')).toBe('2024-06-01 15:00');
  });
});

describe('compile errors', () => {
  it.each([
    [{ extractDateFormat: 'DD/MM/YY' }, 'uses "Y"'],
    [{ generateDateFormat: 'hh:mm A' }, 'uses "h"'],
    [{ generateDateFormat: 'YYYY [unclosed' }, 'has an unclosed ['],
    [{ generateDateTimezone: 'Not/AZone' }, 'is not an IANA time zone'],
  ])('%j', (options, message) => {
    expect(() => compileDateConversion(options, 'at')).toThrow(MappingError);
    expect(() => compileDateConversion(options, 'at')).toThrow(message);
  });
});
