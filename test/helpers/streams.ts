/** Fake output streams for running the CLI in-process. */
import { Writable } from 'node:stream';

/** A stream that records what is written and says it is (or is not) a terminal. */
export function fakeStream(isTTY = false): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  }) as unknown as NodeJS.WriteStream & { text: () => string };
  Object.assign(stream, { isTTY, columns: 100, text: () => chunks.join('') });
  return stream;
}
