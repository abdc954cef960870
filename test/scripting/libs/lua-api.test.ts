/** C-compatible number formatting/parsing used by the libs (expected values from C-style printf). */
import { describe, it, expect } from 'vitest';
import { formatG, strtod, latin1ToBytes } from '../../../src/scripting/libs/lua-api.js';

// [value, precision, printf("%.*g")] triples, computed with a correctly rounding printf.
const FMT: Array<[number, number, string]> = [[123456789012345.0, 14, "1.2345678901234e+14"], [123456789012345.0, 1, "1e+14"], [123456789012345.0, 3, "1.23e+14"], [0.5, 14, "0.5"], [0.5, 1, "0.5"], [0.5, 3, "0.5"], [2.5, 14, "2.5"], [2.5, 1, "2"], [2.5, 3, "2.5"], [1e+21, 14, "1e+21"], [1e+21, 1, "1e+21"], [1e+21, 3, "1e+21"], [1.5e-07, 14, "1.5e-07"], [1.5e-07, 1, "1e-07"], [1.5e-07, 3, "1.5e-07"], [0.000123456789012345, 14, "0.00012345678901234"], [0.000123456789012345, 1, "0.0001"], [0.000123456789012345, 3, "0.000123"], [0.3333333333333333, 14, "0.33333333333333"], [0.3333333333333333, 1, "0.3"], [0.3333333333333333, 3, "0.333"], [9223372036854775808, 14, "9.2233720368548e+18"], [9223372036854775808, 1, "9e+18"], [9223372036854775808, 3, "9.22e+18"], [5e-324, 14, "4.9406564584125e-324"], [5e-324, 1, "5e-324"], [5e-324, 3, "4.94e-324"], [1.7976931348623157e+308, 14, "1.7976931348623e+308"], [1.7976931348623157e+308, 1, "2e+308"], [1.7976931348623157e+308, 3, "1.8e+308"], [999999999999999.0, 14, "1e+15"], [999999999999999.0, 1, "1e+15"], [999999999999999.0, 3, "1e+15"], [99999999999999.5, 14, "1e+14"], [99999999999999.5, 1, "1e+14"], [99999999999999.5, 3, "1e+14"], [0.30000000000000004, 14, "0.3"], [0.30000000000000004, 1, "0.3"], [0.30000000000000004, 3, "0.3"], [-1234.5678, 14, "-1234.5678"], [-1234.5678, 1, "-1e+03"], [-1234.5678, 3, "-1.23e+03"], [1e-05, 14, "1e-05"], [1e-05, 1, "1e-05"], [1e-05, 3, "1e-05"], [123456.0, 14, "123456"], [123456.0, 1, "1e+05"], [123456.0, 3, "1.23e+05"]];

describe('formatG', () => {
  it.each(FMT)('%s with precision %s', (x, p, want) => {
    expect(formatG(x, p)).toBe(want);
  });
  it('prints specials like glibc', () => {
    expect(formatG(-0, 14)).toBe('-0');
    expect(formatG(Infinity, 14)).toBe('inf');
    expect(formatG(-Infinity, 14)).toBe('-inf');
  });
});

describe('strtod', () => {
  const cases: Array<[string, number, number]> = [
    ['12abc', 12, 2],
    ['-.5', -0.5, 3],
    ['1.', 1, 2],
    ['1e', 1, 1],
    ['1e+', 1, 1],
    ['1e5x', 100000, 3],
    ['0x1p4', 16, 5],
    ['0x.8', 0.5, 4],
    ['0x', 0, 1],
    ['0xg', 0, 1],
    ['  7', 7, 3],
    ['inFinity', Infinity, 8],
    ['-inf', -Infinity, 4],
    ['1e400', Infinity, 5],
    ['1e-400', 0, 6],
    ['0x1.fffffffffffff8p0', 2, 20],
    ['x', 0, 0],
    ['-', 0, 0],
  ];
  it.each(cases)('%s', (s, value, end) => {
    const r = strtod(latin1ToBytes(s), 0);
    expect(r.value).toBe(value);
    expect(r.end).toBe(end);
  });
  it('parses nan with an optional payload', () => {
    const r = strtod(latin1ToBytes('nan(123)x'), 0);
    expect(Number.isNaN(r.value)).toBe(true);
    expect(r.end).toBe(8);
  });
});
