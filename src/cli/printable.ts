/**
 * Text from files and folders (their names, their sheets and columns) as the terminal should
 * show it: a crafted file name must not clear the screen, move the cursor or start a new line
 * that looks like xlmerge's own ("Merged 3 files…"). Control characters are shown escaped.
 */

/**
 * C0 controls (line breaks and tabs too: the caller's own line breaks are not in the text it
 * escapes), DEL, C1 controls (U+009B is a terminal's CSI), line and paragraph separators, and
 * the bidirectional overrides and isolates that reorder what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One line of output with its control characters escaped: `\n`, `\t`, `\x1b`, `\u202e`. */
export function printable(line: string): string {
  return line.replace(CONTROL, escapeControl);
}

/** Lines joined by line feeds, each escaped (see {@link printable}). */
export function printableLines(lines: readonly string[]): string {
  return lines.map(printable).join('\n');
}

/**
 * JSON as the `--json` output prints it. `JSON.stringify` escapes C0 controls already; the
 * others that a terminal acts on are escaped too (`\u009b`), which any JSON reader decodes.
 */
export function printableJson(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function escapeControl(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  if (char === '\t') return '\\t';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}
