import { describe, expect, it } from 'vitest';
import {
  isSheetPattern,
  sheetPatternMatcher,
  sheetPatternProblem,
} from '../../src/core/sheet-pattern.js';

describe('sheet patterns', () => {
  it('tells patterns from names by the characters Excel forbids in names', () => {
    expect(['Q*', 'Q?', '[QR]1', 'Q1', 'Sales 2024', 'a.b (c)', '$x^'].map(isSheetPattern)).toEqual(
      [true, true, true, false, false, false, false],
    );
  });

  it.each([
    ['Q*', ['Q1', 'q2', 'Q', 'Quarter 4'], ['AQ1', 'Totals']],
    ['Q?', ['Q1', 'q2'], ['Q', 'Q10']],
    ['Q[1-3]', ['Q1', 'Q3'], ['Q4', 'Q12']],
    ['Q[!1]', ['Q2', 'QX'], ['Q1', 'Q']],
    ['20?? (*)', ['2024 (draft)', '2023 ()'], ['2024 draft']],
    ['a.b+c', ['a.b+c', 'A.B+C'], ['aXb+c', 'a.bbc']],
    ['Ümsatz*', ['ümsatz 1'], ['Umsatz']],
    ['[a-]x', ['ax', '-x'], ['bx']],
  ])('%j matches %j and not %j', (pattern, yes, no) => {
    const matches = sheetPatternMatcher(pattern);
    expect(yes.map(matches)).toEqual(yes.map(() => true));
    expect(no.map(matches)).toEqual(no.map(() => false));
  });

  it('says what is wrong with a pattern that is not one', () => {
    expect(sheetPatternProblem('Q[1')).toBe('the [ at character 2 is never closed by a ]');
    expect(sheetPatternProblem('Q[]')).toBe('the [ at character 2 is never closed by a ]');
    expect(sheetPatternProblem('Q[!]x]')).toBe('the [ at character 2 holds no character');
    expect(sheetPatternProblem('Q]')).toBe('the ] at character 2 closes no [');
    expect(sheetPatternProblem('Q[12]*')).toBeNull();
  });
});
