/**
 * The BIFF12 record types the .xlsb reader reads (MS-XLSB 2.3.2, "Record Enumeration"); any
 * other record is passed over.
 */
export const RecordType = {
  // Worksheet cells (2.4.*): each starts with the column and the style (a `Cell`, 8 bytes).
  RowHeader: 0,
  CellBlank: 1,
  CellRk: 2,
  CellError: 3,
  CellBool: 4,
  CellReal: 5,
  CellString: 6,
  CellSharedString: 7,
  FormulaString: 8,
  FormulaNumber: 9,
  FormulaBool: 10,
  FormulaError: 11,
  CellRichString: 62,
  BeginSheetData: 145,
  EndSheetData: 146,
  // Shared strings.
  SharedStringItem: 19,
  BeginSharedStrings: 159,
  // Styles.
  NumberFormat: 44,
  CellFormat: 47,
  BeginCellFormats: 617,
  EndCellFormats: 618,
  // The workbook.
  WorkbookProperties: 153,
  BundleSheet: 156,
} as const;
