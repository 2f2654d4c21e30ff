import { read } from 'node:fs';
import { requireCjs } from '../require-cjs.js';

/**
 * yauzl's entry streams (its vendored fd-slicer, yauzl 3.4.0) read one at a time per file: a
 * stream's read waits in a queue, and reads `this.context.fd` when its turn comes. A stream
 * destroyed meanwhile has no context by then, and the read throws inside an fs callback, where
 * nothing can catch it: the worker dies, and a file that failed for a reason of its own is
 * reported as a crashed worker (or, on the main thread, the process ends). xlmerge destroys
 * entry streams early whenever a part fails or a read is aborted, so this puts in the same read
 * with the one check it lacks: a read whose stream was destroyed while it waited does nothing.
 */
interface SliceStream {
  context: { fd: number; pend: { go(run: (done: () => void) => void): void } } | null;
  endOffset: number | null | undefined;
  pos: number;
  _readableState: { highWaterMark: number };
  push(chunk: Buffer | null): boolean;
  destroy(error?: Error): void;
  _cleanup(): void;
  _read(size: number): void;
}

interface FdSlicerModule {
  FdSlicer: { prototype: { createReadStream(options: object): SliceStream } };
}

let guarded = false;

/** Installs the guarded read on fd-slicer's ReadStream (once). */
export function guardFdSlicerReads(): void {
  if (guarded) return;
  guarded = true;
  const { FdSlicer } = requireCjs('yauzl/fd-slicer.js') as FdSlicerModule;
  // The ReadStream class is not exported: one made for a stand-in context shows its prototype.
  const probe = FdSlicer.prototype.createReadStream.call(
    { ref() {}, unref() {} },
    { start: 0, end: 0 },
  );
  const prototype = Object.getPrototypeOf(probe) as SliceStream;
  prototype._read = function guardedRead(this: SliceStream, size: number): void {
    const context = this.context;
    if (context === null) return;
    let toRead = Math.min(this._readableState.highWaterMark, size);
    if (this.endOffset != null) toRead = Math.min(toRead, this.endOffset - this.pos);
    if (toRead <= 0) {
      this.push(null);
      this._cleanup();
      return;
    }
    context.pend.go((done) => {
      // The check fd-slicer lacks: destroyed while this read waited for its turn.
      const fd = this.context?.fd;
      if (fd === undefined) {
        done();
        return;
      }
      const buffer = Buffer.allocUnsafe(toRead);
      read(fd, buffer, 0, toRead, this.pos, (error, bytesRead) => {
        if (error !== null) this.destroy(error);
        else if (bytesRead === 0) {
          this.push(null);
          this._cleanup();
        } else {
          this.pos += bytesRead;
          this.push(buffer.subarray(0, bytesRead));
        }
        done();
      });
    });
  };
}
