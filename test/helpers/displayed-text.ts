/**
 * The text LibreOffice shows for each cell of a workbook: a record of what number formats
 * display that owes nothing to xlmerge (issue 15). soffice converts the workbook to CSV with
 * "save cell contents as shown", in a fixed locale, and the CSV is read back. Tests that need
 * it are skipped where LibreOffice is not installed; fixtures/formats/README.md says more.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseCsv } from './csv.js';

/** What the names of the tests that need LibreOffice say (vitest shows it when they are skipped). */
export const NO_SOFFICE =
  'needs LibreOffice (soffice on PATH), else skipped: apt-get install libreoffice-calc-nogui';

/**
 * LibreOffice's CSV export filter, token by token: 44 `,` between fields; 34 `"` around text;
 * 76 UTF-8; 1 (first line, import only); no column types (import only); 0 language (import
 * only: the export ignores it); false: do not quote every text cell; true: write numbers as
 * numbers; true: save cell contents as shown, which is the point. A sheet number may follow
 * as the 12th token (after false: no formulas, false: no space trimming).
 */
export const SHOWN_CSV_FILTER = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true';

/**
 * The locale LibreOffice formats in. It takes it from LC_ALL (it parses the name itself, so the
 * locale need not be installed); a fresh profile has no locale of its own to override it.
 */
export const SOFFICE_LOCALE = 'en_US.UTF-8';

/** A start-up with a new profile takes seconds; a stuck soffice fails the test instead of hanging it. */
const SOFFICE_TIMEOUT_MS = 120_000;

/** The `soffice` found on PATH, or null when LibreOffice is not installed. */
export function sofficePath(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, 'soffice');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/**
 * The text LibreOffice shows for every cell of one sheet of `xlsxFile`, row by row from A1 to
 * the last used cell (empty cells are `''`). `sheet` is the sheet's 1-based position; without
 * it LibreOffice exports the first sheet.
 */
export async function displayedText(xlsxFile: string, sheet?: number): Promise<string[][]> {
  const [table] = await displayedTexts([xlsxFile], sheet);
  return table as string[][];
}

/**
 * {@link displayedText} for several workbooks with one soffice start-up (the start-up is most
 * of the time), in the order given.
 */
export async function displayedTexts(
  xlsxFiles: readonly string[],
  sheet?: number,
): Promise<string[][][]> {
  if (sheet !== undefined && !(Number.isInteger(sheet) && sheet >= 1)) {
    throw new Error(`displayedText: expected a sheet position from 1, got ${sheet}`);
  }
  const soffice = sofficePath();
  if (soffice === null) throw new Error(`displayedText ${NO_SOFFICE}`);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'xlmerge-soffice-'));
  try {
    // soffice names each CSV after its workbook, so copies under numbered names keep two
    // workbooks called book.xlsx in different folders apart.
    const inputs = await Promise.all(
      xlsxFiles.map(async (file, index) => {
        const copy = path.join(work, `book${index}.xlsx`);
        await fs.copyFile(file, copy);
        return copy;
      }),
    );
    const out = path.join(work, 'out');
    const filter =
      sheet === undefined ? SHOWN_CSV_FILTER : `${SHOWN_CSV_FILTER},false,false,${sheet}`;
    await promisify(execFile)(
      soffice,
      [
        // A profile of its own: soffice processes that share one wait for each other or fail,
        // and test files run in parallel.
        `-env:UserInstallation=${pathToFileURL(path.join(work, 'profile')).href}`,
        '--headless',
        '--convert-to',
        filter,
        '--outdir',
        out,
        ...inputs,
      ],
      { env: sofficeEnvironment(), timeout: SOFFICE_TIMEOUT_MS },
    );
    const written = await fs.readdir(out);
    // Awaited here, not returned: the folder must outlive the reads (finally runs first).
    return await Promise.all(
      inputs.map(async (_, index) => {
        // With a sheet number, the CSV is named book0-<sheet name>.csv.
        const name = written.find(
          (file) =>
            file.endsWith('.csv') &&
            (file === `book${index}.csv` || file.startsWith(`book${index}-`)),
        );
        if (name === undefined) {
          throw new Error(`soffice wrote no CSV for ${xlsxFiles[index]} (it wrote ${written})`);
        }
        return parseCsv(await fs.readFile(path.join(out, name), 'utf8'), { lineEnd: '\n' });
      }),
    );
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The environment with every LC_ variable and LANG replaced by {@link SOFFICE_LOCALE}. */
function sofficeEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('LC_') && name !== 'LANG' && name !== 'LANGUAGE') env[name] = value;
  }
  return { ...env, LC_ALL: SOFFICE_LOCALE, LANG: SOFFICE_LOCALE };
}
