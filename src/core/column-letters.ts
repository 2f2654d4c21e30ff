/**
 * Column letters of a 0-based column index, as spreadsheets name columns: 0 → `A`, 25 → `Z`,
 * 26 → `AA`, 16,383 → `XFD` (Excel's last column), and on past it (16,384 → `XFE`): a CSV file
 * has no column limit, and its columns without a header are named by their letters too.
 */
export function lettersOfColumn(index: number): string {
  let letters = '';
  let n = index + 1;
  while (n > 0) {
    const digit = (n - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    n = (n - 1 - digit) / 26;
  }
  return letters;
}
