import { type CellValue, isDateCell } from './cell.js';
import { serialToEpochMs } from './excel-dates.js';

/**
 * The text a person would type for a value: numbers in shortest round-trip form, booleans as
 * `TRUE`/`FALSE`, dates as ISO 8601 (`2024-03-01`, `2024-03-01 10:30:00`, `10:30:00`), errors by
 * their code. Used for header names and for `keysAsText`.
 */
export function formatCellAsText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (isDateCell(value)) return formatSerial(value.serial);
  return value.code;
}

function formatSerial(serial: number): string {
  const iso = new Date(serialToEpochMs(serial)).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.endsWith('.000Z') ? iso.slice(11, 19) : iso.slice(11, 23);
  if (serial >= 0 && serial < 1) return time;
  return Number.isInteger(serial) ? date : `${date} ${time}`;
}
