import { describe, expect, it } from 'vitest';
import { ErrorCode, XlmergeError } from '../../src/errors.js';
import { toWriteFailed } from '../../src/io/write-failed.js';

function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('toWriteFailed', () => {
  it('names the output, keeps the cause and says what to do', () => {
    const cause = systemError('ENOSPC', 'ENOSPC: no space left on device, write');
    const error = toWriteFailed(cause, '/out/merged.xlsx', { sheet: 'Merged' });
    expect(error).toBeInstanceOf(XlmergeError);
    expect({
      code: error.code,
      message: error.message,
      file: error.file,
      sheet: error.sheet,
      hint: error.hint,
      cause: error.cause,
    }).toEqual({
      code: ErrorCode.WriteFailed,
      message: 'Cannot write the output file: ENOSPC: no space left on device, write',
      file: '/out/merged.xlsx',
      sheet: 'Merged',
      hint: 'The disk is full',
      cause,
    });
    expect(error.describe()).toBe(
      '/out/merged.xlsx, sheet "Merged": Cannot write the output file: ENOSPC: no space left on device, write. The disk is full',
    );
  });

  it('gives hints for permission and missing folders, none for the unknown', () => {
    expect(toWriteFailed(systemError('EACCES', 'denied'), 'x').hint).toBe(
      'Check that you may write in the output folder',
    );
    expect(toWriteFailed(systemError('ENOENT', 'missing'), 'x').hint).toBe(
      'Check that the output folder exists',
    );
    expect(toWriteFailed(systemError('EIO', 'i/o'), 'x').hint).toBe(undefined);
    expect(toWriteFailed('odd', 'x').message).toBe('Cannot write the output file: odd');
  });

  it('passes xlmerge errors through', () => {
    const original = new XlmergeError(ErrorCode.Internal, 'bug');
    expect(toWriteFailed(original, 'x')).toBe(original);
  });
});
