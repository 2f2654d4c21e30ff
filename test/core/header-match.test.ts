import { describe, expect, it } from 'vitest';
import { headerKeyFor, looseHeaderKey } from '../../src/core/header-match.js';

describe('looseHeaderKey', () => {
  it.each([
    ['Customer ID', 'customerid'],
    ['  customer_id ', 'customerid'],
    ['CUSTOMER-ID', 'customerid'],
    ['Customer.Id', 'customerid'],
    ['customer   id', 'customerid'],
    ['E-mail', 'email'],
    ['e_mail!', 'email'],
    ['ＩＤ', 'id'],
    ['Straße', 'strasse'],
    ['STRASSE', 'strasse'],
    ['Café', 'café'],
    ['Cafe\u0301', 'café'],
    ['Amount (€)', 'amount'],
    ['Qty 2', 'qty2'],
    ['日付', '日付'],
  ])('%j → %j', (name, key) => {
    expect(looseHeaderKey(name)).toBe(key);
  });

  it('keeps names without a letter or digit apart', () => {
    expect(looseHeaderKey('#')).toBe('\u0000#');
    expect(looseHeaderKey('%')).not.toBe(looseHeaderKey('#'));
    expect(looseHeaderKey('#')).not.toBe(looseHeaderKey(''));
  });

  it('is the identity in exact mode', () => {
    expect(headerKeyFor('exact')('Customer ID ')).toBe('Customer ID ');
    expect(headerKeyFor('loose')('Customer ID ')).toBe('customerid');
  });
});
