/**
 * Room on a worker thread's heap for one large allocation.
 *
 * A worker whose heap reaches its limit (`workerMemoryMb`) is stopped by Node.js with
 * ERR_WORKER_OUT_OF_MEMORY, which the pool reports as WORKER_CRASHED, only while the heap grows
 * a little at a time: Node.js then lets it grow 16 MiB past the limit and stops the thread when
 * its JavaScript runs again. One allocation that takes the heap further than that (the pieces
 * of a huge element joined into one string, say) makes V8's next garbage collection fail with
 * "FATAL ERROR: Reached heap limit", and that ends the whole process: the main thread, the
 * other workers and the temporary output with them. So the readers call this before they make
 * one string or array that may be that large.
 */
import { getHeapStatistics } from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import { ErrorCode, XlmergeError } from './errors.js';

/**
 * Smaller allocations are not checked: the 16 MiB Node.js allows past the limit absorb them
 * (half of it, since V8 may count a new string and the pieces it is made of at once).
 */
export const UNCHECKED_BYTES = 8 * 1024 * 1024;

const MiB = 1024 * 1024;

/**
 * Throws an XlmergeError(WorkerCrashed) when this is a worker thread and its heap has no room
 * for `bytes` more (taking what it holds now, garbage included, as all in use: a collection
 * might free some, but the check must hold without one). The main thread is not checked: its
 * heap is the process's, and running out of it ends the process whatever is done here.
 */
export function ensureHeapRoom(bytes: number): void {
  if (bytes < UNCHECKED_BYTES || isMainThread) return;
  const heap = getHeapStatistics();
  if (heap.used_heap_size + bytes <= heap.heap_size_limit) return;
  throw new XlmergeError(
    ErrorCode.WorkerCrashed,
    `The worker's heap cannot take ${Math.ceil(bytes / MiB)} MiB more: it holds ${Math.ceil(heap.used_heap_size / MiB)} MiB of its ${Math.floor(heap.heap_size_limit / MiB)} MiB`,
  );
}

/** The most bytes a string of `length` characters takes (two bytes a character). */
export function stringBytes(length: number): number {
  return 2 * length;
}
