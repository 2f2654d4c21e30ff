/**
 * Builds .xlsb files from BIFF12 records written here byte by byte (MS-XLSB), to test the
 * .xlsb reader on what Excel writes and on what it never would, without a writer: no program
 * here writes .xlsb. The package around the records is the one Excel makes.
 */
import { relationshipsXml, type ZipPart } from './xlsx-builder.js';

/** The record types the builder writes (see src/xlsb/read/record-types.ts). */
export const Brt = {
  RowHdr: 0,
  CellBlank: 1,
  CellRk: 2,
  CellError: 3,
  CellBool: 4,
  CellReal: 5,
  CellSt: 6,
  CellIsst: 7,
  FmlaString: 8,
  FmlaNum: 9,
  FmlaBool: 10,
  FmlaError: 11,
  SSTItem: 19,
  Fmt: 44,
  XF: 47,
  CellRString: 62,
  BeginSheet: 129,
  EndSheet: 130,
  BeginSheetData: 145,
  EndSheetData: 146,
  WbProp: 153,
  BundleSh: 156,
  BeginBundleShs: 143,
  EndBundleShs: 144,
  BeginSst: 159,
  EndSst: 160,
  BeginFmts: 615,
  EndFmts: 616,
  BeginCellXFs: 617,
  EndCellXFs: 618,
  BeginCellStyleXFs: 626,
  EndCellStyleXFs: 627,
} as const;

/** A variable-length number of the header: 7 bits a byte, the high bit set on all but the last. */
export function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  do {
    let byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0);
  return bytes;
}

/** One record: its type, its length, its payload. */
export function record(type: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  return Buffer.concat([Buffer.from([...varint(type), ...varint(payload.length)]), payload]);
}

export function u8(value: number): Buffer {
  return Buffer.from([value]);
}

export function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value);
  return bytes;
}

export function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
}

export function f64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
}

/** An XLWideString: the count of UTF-16 code units, then the units. */
export function wideString(text: string): Buffer {
  return Buffer.concat([u32(text.length), Buffer.from(text, 'utf16le')]);
}

/** The Cell every cell record starts with: the 0-based column, the style (24 bits), flags. */
export function cell(column: number, style = 0): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt32LE(column >>> 0, 0);
  bytes.writeUIntLE(style, 4, 3);
  return bytes;
}

/** The value of one cell, as the record Excel would write for it. */
export type XlsbCell =
  | { readonly blank: true; readonly style?: number }
  | { readonly rk: number; readonly style?: number }
  | { readonly real: number; readonly style?: number }
  | { readonly bool: boolean }
  | { readonly error: number }
  | { readonly string: string }
  | { readonly richString: string }
  | { readonly shared: number; readonly style?: number }
  | { readonly formula: number | string | boolean | { error: number }; readonly style?: number };

/** A formula's `CellParsedFormula` after its result: grbitFlags, then `=1` (PtgInt 1). */
const FORMULA_TAIL = Buffer.from([0, 0, 3, 0, 0, 0, 0x1e, 1, 0, 0, 0, 0, 0]);

/** The record of one cell at `column`. */
export function cellRecord(column: number, value: XlsbCell): Buffer {
  const style = 'style' in value ? (value.style ?? 0) : 0;
  const head = cell(column, style);
  if ('blank' in value) return record(Brt.CellBlank, head);
  if ('rk' in value) return record(Brt.CellRk, Buffer.concat([head, u32(value.rk)]));
  if ('real' in value) return record(Brt.CellReal, Buffer.concat([head, f64(value.real)]));
  if ('bool' in value) return record(Brt.CellBool, Buffer.concat([head, u8(value.bool ? 1 : 0)]));
  if ('error' in value) return record(Brt.CellError, Buffer.concat([head, u8(value.error)]));
  if ('string' in value) return record(Brt.CellSt, Buffer.concat([head, wideString(value.string)]));
  if ('richString' in value) {
    return record(Brt.CellRString, Buffer.concat([head, u8(0), wideString(value.richString)]));
  }
  if ('shared' in value) return record(Brt.CellIsst, Buffer.concat([head, u32(value.shared)]));
  const result = value.formula;
  if (typeof result === 'number') {
    return record(Brt.FmlaNum, Buffer.concat([head, f64(result), FORMULA_TAIL]));
  }
  if (typeof result === 'string') {
    return record(Brt.FmlaString, Buffer.concat([head, wideString(result), FORMULA_TAIL]));
  }
  if (typeof result === 'boolean') {
    return record(Brt.FmlaBool, Buffer.concat([head, u8(result ? 1 : 0), FORMULA_TAIL]));
  }
  return record(Brt.FmlaError, Buffer.concat([head, u8(result.error), FORMULA_TAIL]));
}

/** A BrtRowHdr for the 0-based row `row` (the formatting fields as Excel writes them). */
export function rowHeader(row: number): Buffer {
  return record(
    Brt.RowHdr,
    Buffer.concat([u32(row), u32(0), u16(300), u8(0), u8(0), u8(0), u32(0)]),
  );
}

/** The records of rows of cells, each row given by its 0-based number and its cells by column. */
export function rowRecords(
  rows: readonly { readonly row: number; readonly cells: readonly (XlsbCell | null)[] }[],
): Buffer {
  const records: Buffer[] = [];
  for (const { row, cells } of rows) {
    records.push(rowHeader(row));
    cells.forEach((value, column) => {
      if (value !== null) records.push(cellRecord(column, value));
    });
  }
  return Buffer.concat(records);
}

/** A worksheet part: its sheet data holding `sheetData`, among the records Excel puts around it. */
export function worksheetBin(sheetData: Uint8Array): Buffer {
  return Buffer.concat([
    record(Brt.BeginSheet),
    record(Brt.BeginSheetData),
    sheetData,
    record(Brt.EndSheetData),
    record(Brt.EndSheet),
  ]);
}

/** The RK encoding of `value` when it has one (an integer of 30 bits, or ×100 of one). */
export function rkOf(value: number, times100 = false): number {
  const scaled = times100 ? Math.round(value * 100) : value;
  return ((scaled << 2) | 2 | (times100 ? 1 : 0)) >>> 0;
}

/** One sheet of {@link XlsbSpec}. */
export interface XlsbSheetSpec {
  readonly name: string;
  /** The sheet part's bytes (see {@link worksheetBin}). */
  readonly bin: Uint8Array;
  readonly state?: 'visible' | 'hidden' | 'veryHidden';
  /** A chart sheet: related and typed as one. */
  readonly chart?: boolean;
}

/** What {@link xlsbParts} builds. */
export interface XlsbSpec {
  readonly sheets: readonly XlsbSheetSpec[];
  readonly sharedStrings?: readonly string[];
  /** Custom number formats and the number format of each cell style. */
  readonly styles?: {
    readonly formats?: readonly { readonly id: number; readonly code: string }[];
    readonly cellFormatIds: readonly number[];
  };
  readonly date1904?: boolean;
}

const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const STATES = { visible: 0, hidden: 1, veryHidden: 2 } as const;

/** A workbook part listing `sheets` (relationship ids rId1…) with the date system. */
export function workbookBin(spec: XlsbSpec): Buffer {
  return Buffer.concat([
    record(131),
    record(
      Brt.WbProp,
      Buffer.concat([
        u32(spec.date1904 === true ? 0x10029 : 0x10028),
        u32(0),
        u32(0),
        wideString(''),
      ]),
    ),
    record(Brt.BeginBundleShs),
    ...spec.sheets.map((sheet, i) =>
      record(
        Brt.BundleSh,
        Buffer.concat([
          u32(STATES[sheet.state ?? 'visible']),
          u32(i + 1),
          wideString(`rId${i + 1}`),
          wideString(sheet.name),
        ]),
      ),
    ),
    record(Brt.EndBundleShs),
    record(132),
  ]);
}

/** A shared strings part. */
export function sharedStringsBin(strings: readonly string[]): Buffer {
  return Buffer.concat([
    record(Brt.BeginSst, Buffer.concat([u32(strings.length), u32(strings.length)])),
    ...strings.map((text) => record(Brt.SSTItem, Buffer.concat([u8(0), wideString(text)]))),
    record(Brt.EndSst),
  ]);
}

/** A styles part: the custom formats, one named style's XF, then the cell styles' XFs. */
export function stylesBin(styles: NonNullable<XlsbSpec['styles']>): Buffer {
  const xf = (parent: number, format: number): Buffer =>
    record(Brt.XF, Buffer.concat([u16(parent), u16(format), Buffer.alloc(12)]));
  const formats = styles.formats ?? [];
  return Buffer.concat([
    record(Brt.BeginFmts, u32(formats.length)),
    ...formats.map((format) =>
      record(Brt.Fmt, Buffer.concat([u16(format.id), wideString(format.code)])),
    ),
    record(Brt.EndFmts),
    // The named style's XF: its format (22) must not count as a cell style's.
    record(Brt.BeginCellStyleXFs, u32(1)),
    xf(0xffff, 22),
    record(Brt.EndCellStyleXFs),
    record(Brt.BeginCellXFs, u32(styles.cellFormatIds.length)),
    ...styles.cellFormatIds.map((id) => xf(0, id)),
    record(Brt.EndCellXFs),
  ]);
}

/** The parts of an .xlsb as Excel orders them. Tests change, drop or add parts to this list. */
export function xlsbParts(spec: XlsbSpec): ZipPart[] {
  const sheetPart = (sheet: XlsbSheetSpec, i: number): string =>
    sheet.chart === true ? `xl/chartsheets/sheet${i + 1}.bin` : `xl/worksheets/sheet${i + 1}.bin`;
  const overrides = spec.sheets
    .map(
      (sheet, i) =>
        `<Override PartName="/${sheetPart(sheet, i)}" ContentType="application/vnd.ms-excel.${sheet.chart === true ? 'chartsheet' : 'worksheet'}"/>`,
    )
    .join('');
  const rels = spec.sheets.map((sheet, i) => ({
    id: `rId${i + 1}`,
    type: `${REL_NS}/${sheet.chart === true ? 'chartsheet' : 'worksheet'}`,
    target: sheetPart(sheet, i).slice('xl/'.length),
  }));
  if (spec.styles !== undefined)
    rels.push({ id: 'rIdS', type: `${REL_NS}/styles`, target: 'styles.bin' });
  if (spec.sharedStrings !== undefined) {
    rels.push({ id: 'rIdT', type: `${REL_NS}/sharedStrings`, target: 'sharedStrings.bin' });
  }
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      content: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>${overrides}</Types>`,
    },
    {
      name: '_rels/.rels',
      content: relationshipsXml([
        { id: 'rId1', type: `${REL_NS}/officeDocument`, target: 'xl/workbook.bin' },
      ]),
    },
    { name: 'xl/workbook.bin', content: workbookBin(spec) },
    { name: 'xl/_rels/workbook.bin.rels', content: relationshipsXml(rels) },
    ...spec.sheets.map((sheet, i) => ({ name: sheetPart(sheet, i), content: sheet.bin })),
  ];
  if (spec.styles !== undefined)
    parts.push({ name: 'xl/styles.bin', content: stylesBin(spec.styles) });
  if (spec.sharedStrings !== undefined) {
    parts.push({ name: 'xl/sharedStrings.bin', content: sharedStringsBin(spec.sharedStrings) });
  }
  return parts;
}
