import { describe, expect, it } from 'vitest';
import { describeContent } from '../../src/zip/check-file.js';

describe('describeContent', () => {
  it.each([
    ['id,name,email\n1,Ann,a@x.org\n', 'a text file with comma-separated values (CSV)'],
    ['\uFEFFid;name\n1;Ann\n', 'a text file with comma-separated values (CSV)'],
    ['id\tname\n1\tAnn\n', 'a text file with tab-separated values (TSV)'],
    ['just some notes\n', 'a plain text file'],
    [
      '<!DOCTYPE html><html><table></table></html>',
      'an HTML page (some tools export HTML tables with an .xls or .xlsx name)',
    ],
    [
      '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
      'an Excel 2003 XML spreadsheet',
    ],
    ['<?xml version="1.0"?><root/>', 'an XML file'],
    ['%PDF-1.7\n', 'a PDF document'],
  ])('%j is %s', (text, description) => {
    expect(describeContent(Buffer.from(text, 'utf8'))).toBe(description);
  });

  it('names binary data by its first bytes', () => {
    expect(
      describeContent(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0])),
    ).toBe('binary data (it starts with bytes 89 50 4E 47)');
  });
});
