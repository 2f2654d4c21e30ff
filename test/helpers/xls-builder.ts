/**
 * Builds .xls files from bytes for the reader's tests: BIFF8 records, a workbook stream of
 * globals and sheets, and the compound file (OLE2, version 3, 512-byte sectors) around streams,
 * with hooks to damage its allocation table and directory. Only for tests: the fixtures that
 * show what real writers do are in fixtures/xls/.
 */

/** One BIFF record: type, length, data. */
export function record(type: number, data: Buffer | readonly number[] = []): Buffer {
  const body = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(body.length, 2);
  return Buffer.concat([head, body]);
}

export const u16 = (value: number): Buffer => {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16LE(value);
  return bytes;
};

export const u32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
};

export const f64 = (value: number): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
};

/** An XLUnicodeString (2-byte count) or, with `countBytes` 1, a ShortXLUnicodeString. */
export function xlString(
  text: string,
  countBytes: 1 | 2 = 2,
  wide = [...text].some((char) => (char.codePointAt(0) ?? 0) > 0xff),
): Buffer {
  const count = countBytes === 2 ? u16(text.length) : Buffer.from([text.length]);
  const chars = wide ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'latin1');
  return Buffer.concat([count, Buffer.from([wide ? 1 : 0]), chars]);
}

export const BOF_GLOBALS = record(0x0809, [0x00, 0x06, 0x05, 0x00, ...Array(12).fill(0)]);
export const BOF_WORKSHEET = record(0x0809, [0x00, 0x06, 0x10, 0x00, ...Array(12).fill(0)]);
export const EOF = record(0x000a);

/** A cell record's first 6 bytes: row, column and XF index (0-based row and column). */
export function cellHead(row: number, column: number, xf = 15): Buffer {
  return Buffer.concat([u16(row), u16(column), u16(xf)]);
}

export const numberCell = (row: number, column: number, value: number, xf = 15): Buffer =>
  record(0x0203, Buffer.concat([cellHead(row, column, xf), f64(value)]));
export const sstCell = (row: number, column: number, index: number, xf = 15): Buffer =>
  record(0x00fd, Buffer.concat([cellHead(row, column, xf), u32(index)]));
export const labelCell = (row: number, column: number, text: string, xf = 15): Buffer =>
  record(0x0204, Buffer.concat([cellHead(row, column, xf), xlString(text)]));
export const rkCell = (row: number, column: number, rk: number, xf = 15): Buffer =>
  record(0x027e, Buffer.concat([cellHead(row, column, xf), u32(rk)]));
export const boolErrCell = (row: number, column: number, value: number, isError: boolean): Buffer =>
  record(0x0205, Buffer.concat([cellHead(row, column), Buffer.from([value, isError ? 1 : 0])]));
export const blankCell = (row: number, column: number, xf = 15): Buffer =>
  record(0x0201, cellHead(row, column, xf));

/** A FORMULA record with an 8-byte cached result and a formula of one token (ptgInt 1). */
export function formulaCell(row: number, column: number, result: Buffer, xf = 15): Buffer {
  return record(
    0x0006,
    Buffer.concat([
      cellHead(row, column, xf),
      result,
      u16(0),
      u32(0),
      u16(3),
      Buffer.from([0x1e, 1, 0]),
    ]),
  );
}

/** The 8-byte cached result of a formula whose result is not a number. */
export function specialResult(type: number, value = 0): Buffer {
  return Buffer.from([type, 0, value, 0, 0, 0, 0xff, 0xff]);
}

/** 16 style XFs then one cell XF per format id given (XF 16 has the first). */
export function xfRecords(cellFormatIds: readonly number[] = []): Buffer[] {
  const xf = (format: number, style: boolean) =>
    record(
      0x00e0,
      Buffer.concat([u16(0), u16(format), u16(style ? 0xfff5 : 0x0001), Buffer.alloc(14)]),
    );
  return [
    ...Array.from({ length: 15 }, () => xf(0, true)),
    xf(0, false),
    ...cellFormatIds.map((id) => xf(id, false)),
  ];
}

/** An SST record of these strings (all in one record; see {@link sstRecords} to cut it). */
export function sstRecord(strings: readonly string[], count = strings.length): Buffer {
  return record(
    0x00fc,
    Buffer.concat([u32(count), u32(count), ...strings.map((text) => xlString(text))]),
  );
}

/** A worksheet as its records go between its BOF and its EOF. */
export interface SheetSpec {
  readonly name: string;
  readonly cells: readonly Buffer[];
  /** BOUNDSHEET hsState: 0 visible, 1 hidden, 2 very hidden. */
  readonly state?: number;
  /** BOUNDSHEET dt: 0 worksheet or dialog, 1 macro sheet, 2 chart. */
  readonly type?: number;
  /** Records before the cells (a WSBOOL, …). */
  readonly head?: readonly Buffer[];
  /** The sheet's BOF (a chart's is type 0x0020). */
  readonly bof?: Buffer;
}

/**
 * A BIFF8 workbook stream: BOF, `globals` records (CODEPAGE, DATEMODE, FORMAT, XF, SST, … as
 * given), a BOUNDSHEET per sheet with its offset, EOF; then each sheet.
 */
export function workbookStream(globals: readonly Buffer[], sheets: readonly SheetSpec[]): Buffer {
  const boundSheet = (sheet: SheetSpec, offset: number) =>
    record(
      0x0085,
      Buffer.concat([
        u32(offset),
        Buffer.from([sheet.state ?? 0, sheet.type ?? 0]),
        xlString(sheet.name, 1),
      ]),
    );
  const head = Buffer.concat([BOF_GLOBALS, ...globals]);
  const boundSheetsBytes = sheets.reduce((sum, sheet) => sum + boundSheet(sheet, 0).length, 0);
  let offset = head.length + boundSheetsBytes + EOF.length;
  const bodies = sheets.map((sheet) =>
    Buffer.concat([sheet.bof ?? BOF_WORKSHEET, ...(sheet.head ?? []), ...sheet.cells, EOF]),
  );
  const bounds = sheets.map((sheet, index) => {
    const bound = boundSheet(sheet, offset);
    offset += (bodies[index] as Buffer).length;
    return bound;
  });
  return Buffer.concat([head, ...bounds, EOF, ...bodies]);
}

const END_OF_CHAIN = 0xfffffffe;
const FREE_SECTOR = 0xffffffff;
const FAT_SECTOR = 0xfffffffd;
const SECTOR = 512;

/** What can be damaged in a built compound file. */
export interface CompoundFileOptions {
  /** Changes the FAT (one entry per sector) before it is written. */
  readonly fat?: (fat: number[], layout: CompoundLayout) => void;
  /** Changes the directory entries before they are written. */
  readonly directory?: (entries: DirectoryEntrySpec[]) => void;
  /** Changes the finished file's bytes. */
  readonly bytes?: (file: Buffer, layout: CompoundLayout) => void;
}

/** Where things went: the first sector of each stream (regular or mini), and the directory's. */
export interface CompoundLayout {
  readonly streams: Record<string, { start: number; sectors: number; mini: boolean }>;
  readonly directoryStart: number;
  readonly miniStreamStart: number;
  readonly miniFatStart: number;
}

export interface DirectoryEntrySpec {
  name: string;
  type: number;
  start: number;
  size: number;
  left: number;
  right: number;
  child: number;
}

/**
 * A compound file holding `streams` in its root storage: streams of 4096 bytes and more in
 * regular sectors, smaller ones in the mini stream.
 */
export function compoundFile(
  streams: Record<string, Buffer>,
  options: CompoundFileOptions = {},
): Buffer {
  const sectors: Buffer[] = [];
  const fat: number[] = [];
  const allocate = (bytes: Buffer): number => {
    const count = Math.max(1, Math.ceil(bytes.length / SECTOR));
    const start = sectors.length;
    for (let i = 0; i < count; i++) {
      const sector = Buffer.alloc(SECTOR);
      bytes.copy(sector, 0, i * SECTOR, Math.min(bytes.length, (i + 1) * SECTOR));
      sectors.push(sector);
      fat.push(i === count - 1 ? END_OF_CHAIN : start + i + 1);
    }
    return start;
  };
  const layoutStreams: CompoundLayout['streams'] = {};
  const mini: Buffer[] = [];
  const miniFat: number[] = [];
  const entries: DirectoryEntrySpec[] = [];
  for (const [name, data] of Object.entries(streams)) {
    const entry = {
      name,
      type: 2,
      start: END_OF_CHAIN,
      size: data.length,
      left: FREE_SECTOR,
      right: FREE_SECTOR,
      child: FREE_SECTOR,
    };
    if (data.length >= 4096) {
      entry.start = allocate(data);
      layoutStreams[name] = {
        start: entry.start,
        sectors: Math.ceil(data.length / SECTOR),
        mini: false,
      };
    } else if (data.length > 0) {
      const count = Math.ceil(data.length / 64);
      entry.start = mini.length;
      for (let i = 0; i < count; i++) {
        const piece = Buffer.alloc(64);
        data.copy(piece, 0, i * 64, Math.min(data.length, (i + 1) * 64));
        mini.push(piece);
        miniFat.push(i === count - 1 ? END_OF_CHAIN : entry.start + i + 1);
      }
      layoutStreams[name] = { start: entry.start, sectors: count, mini: true };
    }
    entries.push(entry);
  }
  const miniStream = Buffer.concat(mini);
  const miniStreamStart = mini.length > 0 ? allocate(miniStream) : END_OF_CHAIN;
  const miniFatBytes = Buffer.alloc(Math.ceil((miniFat.length * 4) / SECTOR) * SECTOR, 0xff);
  miniFat.forEach((value, i) => {
    miniFatBytes.writeUInt32LE(value, i * 4);
  });
  const miniFatStart = miniFat.length > 0 ? allocate(miniFatBytes) : END_OF_CHAIN;
  // The root's children: a chain of right siblings from the first.
  entries.forEach((entry, i) => {
    if (i < entries.length - 1) entry.right = i + 2;
  });
  const root = {
    name: 'Root Entry',
    type: 5,
    start: miniStreamStart,
    size: miniStream.length,
    left: FREE_SECTOR,
    right: FREE_SECTOR,
    child: entries.length > 0 ? 1 : FREE_SECTOR,
  };
  const all = [root, ...entries];
  options.directory?.(all);
  const directory = Buffer.alloc(Math.ceil(all.length / 4) * SECTOR);
  for (let i = 0; i < directory.length / 128; i++) {
    const at = i * 128;
    const entry = all[i];
    directory.writeUInt32LE(FREE_SECTOR, at + 68);
    directory.writeUInt32LE(FREE_SECTOR, at + 72);
    directory.writeUInt32LE(FREE_SECTOR, at + 76);
    if (entry === undefined) continue;
    const name = Buffer.from(`${entry.name}\u0000`, 'utf16le');
    name.copy(directory, at, 0, Math.min(64, name.length));
    directory.writeUInt16LE(Math.min(64, name.length), at + 64);
    directory[at + 66] = entry.type;
    directory[at + 67] = 1;
    directory.writeUInt32LE(entry.left >>> 0, at + 68);
    directory.writeUInt32LE(entry.right >>> 0, at + 72);
    directory.writeUInt32LE(entry.child >>> 0, at + 76);
    directory.writeUInt32LE(entry.start >>> 0, at + 116);
    directory.writeUInt32LE(entry.size >>> 0, at + 120);
  }
  const directoryStart = allocate(directory);
  let fatSectors = 1;
  while (sectors.length + fatSectors > fatSectors * 128) fatSectors++;
  const fatStart = sectors.length;
  for (let i = 0; i < fatSectors; i++) {
    sectors.push(Buffer.alloc(SECTOR));
    fat.push(FAT_SECTOR);
  }
  const layout: CompoundLayout = {
    streams: layoutStreams,
    directoryStart,
    miniStreamStart,
    miniFatStart,
  };
  options.fat?.(fat, layout);
  const fatBytes = Buffer.alloc(fatSectors * SECTOR, 0xff);
  fat.forEach((value, i) => {
    fatBytes.writeUInt32LE(value >>> 0, i * 4);
  });
  for (let i = 0; i < fatSectors; i++)
    fatBytes.copy(sectors[fatStart + i] as Buffer, 0, i * SECTOR, (i + 1) * SECTOR);
  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(fatSectors, 44);
  header.writeUInt32LE(directoryStart, 48);
  header.writeUInt32LE(4096, 56);
  header.writeUInt32LE(miniFatStart >>> 0, 60);
  header.writeUInt32LE(miniFat.length > 0 ? miniFatBytes.length / SECTOR : 0, 64);
  header.writeUInt32LE(END_OF_CHAIN, 68);
  header.writeUInt32LE(0, 72);
  for (let i = 0; i < 109; i++)
    header.writeUInt32LE(i < fatSectors ? fatStart + i : FREE_SECTOR, 76 + i * 4);
  const file = Buffer.concat([header, ...sectors]);
  options.bytes?.(file, layout);
  return file;
}

/** A one-sheet .xls whose Workbook stream is `stream` (or made of `globals` and a sheet's cells). */
export function xlsFile(stream: Buffer, options?: CompoundFileOptions): Buffer {
  return compoundFile({ Workbook: stream }, options);
}
