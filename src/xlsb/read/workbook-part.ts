/** What the .xlsb reader needs of `xl/workbook.bin`: the sheet list and the date system. */
import type { SheetInfo } from '../../reader/workbook-reader.js';
import { RecordFields } from './record-fields.js';
import type { RecordReader } from './record-reader.js';
import { RecordType } from './record-types.js';

/** A `BrtBundleSh` of the workbook part, before its relationship is looked up. */
export interface BundleSheet {
  readonly name: string;
  /** `iTabID`: the sheet's id, which names its part when the relationship is missing. */
  readonly tabId: number;
  /** `strRelID`: the sheet's relationship in the workbook part's `.rels`; null when it has none. */
  readonly relationshipId: string | null;
  readonly state: SheetInfo['state'];
}

/** The records of the workbook part read so far, as {@link readWorkbookRecord} fills it. */
export interface WorkbookRecords {
  readonly sheets: BundleSheet[];
  date1904: boolean;
}

/** `hsState` of BrtBundleSh (MS-XLSB 2.4.304): 0 visible, 1 hidden, 2 very hidden. */
const SHEET_STATES: readonly SheetInfo['state'][] = ['visible', 'hidden', 'veryHidden'];

/** Reads the current record of the workbook part into `into`, if it is one that matters. */
export function readWorkbookRecord(reader: RecordReader, into: WorkbookRecords): void {
  if (reader.type === RecordType.BundleSheet) {
    const fields = new RecordFields(reader, 'the sheet record BrtBundleSh');
    const state = fields.u32();
    const tabId = fields.u32();
    const relationshipId = fields.nullableWideString();
    const name = fields.wideString();
    into.sheets.push({
      name,
      tabId,
      relationshipId: relationshipId === '' ? null : relationshipId,
      // Any other state is not one Excel writes; like the .xlsx reader, it is read as visible.
      state: SHEET_STATES[state] ?? 'visible',
    });
  } else if (reader.type === RecordType.WorkbookProperties) {
    // BrtWbProp (2.4.820): its first 4 bytes are flags, bit 0 f1904.
    const fields = new RecordFields(reader, 'the workbook properties record BrtWbProp');
    into.date1904 = (fields.u32() & 1) === 1;
  }
}
