import { describe, expect, it } from 'vitest';
import {
  classifyBuiltInFormat,
  classifyFormatCode,
  classifyNumberFormat,
  NumberFormatKind,
} from '../../src/core/date-format.js';

const { Number: NUMBER, Date: DATE, Elapsed: ELAPSED } = NumberFormatKind;

describe('classifyFormatCode', () => {
  it.each([
    ['General', NUMBER],
    ['general', NUMBER],
    ['0', NUMBER],
    ['0.00', NUMBER],
    ['#,##0', NUMBER],
    ['#,##0.00;[Red]-#,##0.00', NUMBER],
    ['@', NUMBER],
    ['0.00E+00', NUMBER],
    ['##0.0E-0', NUMBER],
    ['0%', NUMBER],
    ['"$"#,##0.00', NUMBER],
    ['[$$-409]#,##0.00', NUMBER],
    ['[$€-407] #,##0.00', NUMBER],
    ['#,##0 "days"', NUMBER],
    ['0\\h', NUMBER],
    ['0_)', NUMBER],
    ['0_m', NUMBER],
    ['* #,##0', NUMBER],
    ['*d0', NUMBER],
    ['[>=100][Red]0;[Blue]0', NUMBER],
    ['"yyyy"0', NUMBER],
    ['0;"d"', NUMBER],
    ['0;dd', NUMBER],
    ['General;mm', NUMBER],
    ['', NUMBER],
    [';;;', NUMBER],
    ['yyyy-mm-dd', DATE],
    ['YYYY-MM-DD', DATE],
    ['d/m/yy', DATE],
    ['dd.mm.yyyy hh:mm', DATE],
    ['mmm-yy', DATE],
    ['h:mm AM/PM', DATE],
    ['hh:mm:ss', DATE],
    ['mm:ss.0', DATE],
    ['[$-409]mmmm d, yyyy;@', DATE],
    ['[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy', DATE],
    ['[Red]dd/mm/yyyy', DATE],
    ['"Date: "yyyy-mm-dd', DATE],
    ['ge.m.d', DATE],
    ['[$-411]e"年"', DATE],
    ['yyyy"年"m"月"d"日"', DATE],
    ['[h]:mm', ELAPSED],
    ['[h]:mm:ss', ELAPSED],
    ['[H]:MM', ELAPSED],
    ['[hh]:mm', ELAPSED],
    ['[mm]:ss', ELAPSED],
    ['[ss].000', ELAPSED],
    ['[Red][h]:mm', ELAPSED],
    ['[hm]:ss', DATE],
  ])('%j is %i', (code, kind) => {
    expect(classifyFormatCode(code)).toBe(kind);
  });

  it('classifies a 40,000-character code in linear time', () => {
    const cases: [string, NumberFormatKind][] = [
      ['['.repeat(40_000), NUMBER],
      ['"'.repeat(40_001), NUMBER],
      [`${'[Red]'.repeat(8_000)}0`, NUMBER],
      [`${'0'.repeat(39_999)}d`, DATE],
      [`${'\\x'.repeat(20_000)}`, NUMBER],
      [`${'[$-409]'.repeat(5_714)}[h]`, ELAPSED],
    ];
    const started = performance.now();
    for (const [code, kind] of cases) {
      expect(code.length).toBeGreaterThanOrEqual(39_998);
      expect(classifyFormatCode(code)).toBe(kind);
    }
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('classifyBuiltInFormat', () => {
  it('knows the built-in date and time ids', () => {
    const kinds = Array.from({ length: 60 }, (_, id) => classifyBuiltInFormat(id));
    const dates = kinds.flatMap((kind, id) => (kind === DATE ? [id] : []));
    const elapsed = kinds.flatMap((kind, id) => (kind === ELAPSED ? [id] : []));
    expect(dates).toEqual([
      14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 47, 50, 51,
      52, 53, 54, 55, 56, 57, 58,
    ]);
    expect(elapsed).toEqual([46]);
    expect(classifyBuiltInFormat(164)).toBe(NUMBER);
  });
});

describe('classifyNumberFormat', () => {
  it('prefers the custom code the styles part gives, even for a built-in id', () => {
    expect(classifyNumberFormat(14, undefined)).toBe(DATE);
    expect(classifyNumberFormat(14, '0.00')).toBe(NUMBER);
    expect(classifyNumberFormat(2, 'yyyy')).toBe(DATE);
    expect(classifyNumberFormat(164, '[h]:mm')).toBe(ELAPSED);
    expect(classifyNumberFormat(164, undefined)).toBe(NUMBER);
  });
});
