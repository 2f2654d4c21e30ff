import type { ZipArchive } from '../../zip/zip-archive.js';
import { RecordReader } from './record-reader.js';

/**
 * Reads every record of a part as it streams in, handing each to `onRecord` (which reads the
 * current record of the reader it is given); throws when the part ends inside a record.
 */
export async function readPartRecords(
  archive: ZipArchive,
  part: string,
  options: { maxRecordBytes: number; signal?: AbortSignal | undefined },
  onRecord: (reader: RecordReader) => void,
): Promise<void> {
  const reader = new RecordReader({ file: archive.file, part }, options.maxRecordBytes);
  const streamOptions = options.signal === undefined ? {} : { signal: options.signal };
  for await (const chunk of archive.streamPartBytes(part, streamOptions)) {
    reader.feed(chunk);
    while (reader.next()) onRecord(reader);
  }
  reader.finish();
}
