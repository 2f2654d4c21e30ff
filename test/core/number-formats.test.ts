import { describe, expect, it } from 'vitest';
import {
  GENERAL,
  isGeneral,
  numberFormatKey,
  numberFormatOf,
} from '../../src/core/number-formats.js';

describe('numberFormatOf', () => {
  it('reads an id the styles part does not define as built in, below 164', () => {
    expect(numberFormatOf(0, undefined)).toEqual(GENERAL);
    expect(numberFormatOf(14, undefined)).toEqual({ builtIn: 14 });
    expect(numberFormatOf(49, undefined)).toEqual({ builtIn: 49 });
    // East Asian dates and ids Excel reserves keep their number too.
    expect(numberFormatOf(57, undefined)).toEqual({ builtIn: 57 });
    expect(numberFormatOf(163, undefined)).toEqual({ builtIn: 163 });
  });

  it('reads an undefined id from 164 on as General, as nothing says what it shows', () => {
    expect(numberFormatOf(164, undefined)).toEqual(GENERAL);
    expect(numberFormatOf(4000, undefined)).toEqual(GENERAL);
  });

  it('takes a custom code over the id, even a built-in one', () => {
    expect(numberFormatOf(164, '00000')).toEqual({ code: '00000' });
    expect(numberFormatOf(14, 'dd.mm.yyyy')).toEqual({ code: 'dd.mm.yyyy' });
  });

  it('reads a custom code of General, in any case, as General', () => {
    expect(numberFormatOf(164, 'General')).toEqual(GENERAL);
    expect(numberFormatOf(165, 'GENERAL')).toEqual(GENERAL);
    expect(numberFormatOf(165, 'General;-General')).toEqual({ code: 'General;-General' });
  });
});

describe('numberFormatKey', () => {
  it('tells built-in ids from codes, and two codes apart only by their text', () => {
    expect(isGeneral(GENERAL)).toBe(true);
    expect(isGeneral({ builtIn: 1 })).toBe(false);
    expect(isGeneral({ code: '0' })).toBe(false);
    const keys = [{ builtIn: 1 }, { code: '1' }, { code: '\u00001' }, { builtIn: 10 }].map(
      numberFormatKey,
    );
    expect(new Set(keys).size).toBe(3);
    // No code read from XML holds a NUL, so a built-in's key is never a code's.
    expect(numberFormatKey({ builtIn: 1 })).toBe('\u00001');
    expect(numberFormatKey({ code: '0.0%' })).toBe(numberFormatKey({ code: '0.0%' }));
  });
});
