/**
 * yauzl's entry streams read one at a time per file; a stream destroyed while its read waits
 * for its turn must not throw when the turn comes (unguarded, fd-slicer reads `context.fd` of
 * a stream it has already cleaned up, in an fs callback: an uncaught TypeError).
 */

import { openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guardFdSlicerReads } from '../../src/zip/fd-slicer-guard.js';

const require = createRequire(import.meta.url);
const DEMO = fileURLToPath(new URL('../../fixtures/demo/north.xlsx', import.meta.url));

interface Slice {
  on(event: string, listener: (...args: unknown[]) => void): void;
  destroy(): void;
}

describe('fd-slicer reads', () => {
  it('do nothing for a stream destroyed while its read waited for its turn', async () => {
    guardFdSlicerReads();
    const { FdSlicer } = require('yauzl/fd-slicer.js') as {
      FdSlicer: new (fd: number) => { createReadStream(options: object): Slice };
    };
    // The slicer closes the file once its streams are done with it.
    const fd = openSync(DEMO, 'r');
    {
      const slicer = new FdSlicer(fd);
      const first = slicer.createReadStream({ start: 0, end: 4096 });
      const second = slicer.createReadStream({ start: 0, end: 4096 });
      let bytes = 0;
      let destroyed = false;
      const ended = new Promise<void>((resolve, reject) => {
        first.on('data', (chunk) => {
          bytes += (chunk as Buffer).length;
          // The second stream's read is queued behind this one: destroy it before its turn.
          if (!destroyed) {
            destroyed = true;
            second.destroy();
          }
        });
        first.on('end', () => resolve());
        first.on('error', reject);
      });
      // Flowing after the first: its read waits behind the first's.
      second.on('data', () => {});
      second.on('error', () => {});
      await ended;
      // Let the queued read have its turn (unguarded, it threw here).
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bytes).toBe(4096);
      expect(destroyed).toBe(true);
    }
  });
});
