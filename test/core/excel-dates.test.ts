/**
 * Excel's dates in one module: the serial arithmetic, the calendar under it, and the two ISO
 * grammars (xlsx `t="d"` cells and typed CSV fields), which must agree wherever both accept a text.
 */
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  epochMsToSerial,
  parseCsvDate,
  parseIsoDateTime,
  serialToEpochMs,
} from '../../src/core/excel-dates.js';
import { makeRandom, randomInt } from '../fuzz/mutants.js';

describe('serials', () => {
  it("counts Excel's fictitious 1900-02-29 as serial 60", () => {
    expect(serialToEpochMs(1)).toBe(Date.UTC(1900, 0, 1));
    expect(serialToEpochMs(59)).toBe(Date.UTC(1900, 1, 28));
    expect(serialToEpochMs(61)).toBe(Date.UTC(1900, 2, 1));
    expect(epochMsToSerial(Date.UTC(1900, 2, 1))).toBe(61);
    expect(epochMsToSerial(Date.UTC(2024, 2, 1, 10, 30))).toBe(45352.4375);
  });

  it('turns whole milliseconds into serials and back exactly', () => {
    const random = makeRandom(11);
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(1900, 2, 1) + randomInt(random, 0, 200 * 365) * 86_400_000;
      const withTime = ms + randomInt(random, 0, 86_399_999);
      expect(serialToEpochMs(epochMsToSerial(withTime))).toBe(withTime);
    }
  });
});

describe('the calendar', () => {
  it('knows leap years', () => {
    expect([1900, 2000, 2023, 2024].map((year) => daysInMonth(year, 2))).toEqual([28, 29, 28, 29]);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(daysInMonth(2024, 12)).toBe(31);
  });

  it('counts days from 1970 as Date.UTC does, and back', () => {
    for (const [year, month, day] of [
      [1970, 1, 1],
      [1900, 2, 28],
      [1900, 3, 1],
      [2000, 2, 29],
      [9999, 12, 31],
      [-1, 12, 31],
    ] as const) {
      const days = daysFromCivil(year, month, day);
      const utc = new Date(0);
      utc.setUTCFullYear(year, month - 1, day);
      expect(days).toBe(Math.round(utc.getTime() / 86_400_000));
      expect(civilFromDays(days)).toEqual({ year, month, day });
    }
    for (let days = -800_000; days < 3_000_000; days += 997) {
      const { year, month, day } = civilFromDays(days);
      expect(daysFromCivil(year, month, day)).toBe(days);
    }
  });
});

describe('parseIsoDateTime (xlsx t="d")', () => {
  it('reads dates, date-times and times', () => {
    expect(parseIsoDateTime('2024-03-01')).toEqual({ serial: 45352 });
    expect(parseIsoDateTime('2024-03-01T10:30:00')).toEqual({ serial: 45352.4375 });
    expect(parseIsoDateTime('10:30')).toEqual({ serial: 0.4375 });
    expect(parseIsoDateTime('2024-03-01T24:00')).toEqual({ serial: 45353 });
  });

  it('converts a date-time with an offset to UTC, and refuses a date alone with one', () => {
    expect(parseIsoDateTime('2024-03-01T01:00:00+02:00')).toEqual({ serial: 45351 + 23 / 24 });
    expect(parseIsoDateTime('2024-03-01T10:30:00Z')).toEqual(parseIsoDateTime('2024-03-01T10:30'));
    expect(parseIsoDateTime('2024-03-01+05:00')).toMatchObject({ expected: /names no instant/ });
    expect(parseIsoDateTime('10:30+05:00')).toMatchObject({ expected: /names no instant/ });
  });

  it('refuses what is not on the calendar or the clock', () => {
    for (const text of ['2023-02-29', '2024-13-01', '2024-03-01T24:01', '2024-03-01T10:60', 'x']) {
      expect(parseIsoDateTime(text), text).toHaveProperty('expected');
    }
    expect(parseIsoDateTime('2024-03-01T10:00+15:00')).toHaveProperty('expected');
  });
});

describe('parseCsvDate (csvTypes)', () => {
  it('reads a date or date-time without a zone, from 1900 on', () => {
    expect(parseCsvDate('2024-03-01')).toEqual({ kind: 'date', serial: 45352 });
    expect(parseCsvDate('2024-03-01 10:30:00.500000')).toEqual({
      kind: 'date',
      serial: epochMsToSerial(Date.UTC(2024, 2, 1, 10, 30, 0, 500)),
    });
    for (const text of [
      '2024-03-01Z',
      '2024-03-01T10:30+02:00',
      '1899-12-31',
      '2024-03-01T24:00',
    ]) {
      expect(parseCsvDate(text), text).toBeNull();
    }
    // Finer than a millisecond: not rounded into another time's key.
    expect(parseCsvDate('2024-03-01T10:00:00.0004')).toBeNull();
  });

  it('agrees with the xlsx grammar on every text both accept', () => {
    const random = makeRandom(29);
    const two = (n: number) => String(n).padStart(2, '0');
    let both = 0;
    for (let i = 0; i < 3000; i++) {
      const date = `${randomInt(random, 1900, 2100)}-${two(randomInt(random, 1, 12))}-${two(randomInt(random, 1, 31))}`;
      const time = [
        '',
        `T${two(randomInt(random, 0, 23))}:${two(randomInt(random, 0, 59))}`,
        ` ${two(randomInt(random, 0, 23))}:${two(randomInt(random, 0, 59))}:${two(randomInt(random, 0, 59))}.${randomInt(random, 0, 999)}`,
      ][i % 3];
      const text = date + time;
      const csv = parseCsvDate(text);
      const xlsx = parseIsoDateTime(text);
      if (csv === null) continue;
      both += 1;
      expect('serial' in xlsx, text).toBe(true);
      if ('serial' in xlsx) {
        expect(serialToEpochMs(csv.serial), text).toBe(serialToEpochMs(xlsx.serial));
      }
    }
    expect(both).toBeGreaterThan(2000);
  });
});
