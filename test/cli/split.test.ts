import { describe, expect, test } from 'vitest';
import { splitArgs, splitArgBytes } from '../../src/cli/split.js';
import { splitInlineArgs } from '../../src/resp/parser.js';
import { fromText } from '../../src/util/bytes.js';

/**
 * Recorded from Redis 7.0.15: each line L was sent as the inline command
 * `RPUSH fz L` and the list read back (null: "unbalanced quotes" error, []:
 * no argument, so an arity error). Results are byte strings. The server's
 * inline splitter is the same sdssplitargs that redis-cli uses.
 */
const ORACLE: Array<[string, string[] | null]> = [[" \"\u00e9''4\u00ff", null], ["\u0080\\ \\F\"gF", null], ["\u00ff\u0080x\f\\\t \t", ["\u00c3\u00bf\u00c2\u0080x\f\\"]], ["\u00ff\u000b\u000b\u008044 \t\r\u00e9", ["\u00c3\u00bf\u000b\u000b\u00c2\u008044", "\u00c3\u00a9"]], ["\\F\u000b\u00ff\u0080", ["\\F\u000b\u00c3\u00bf\u00c2\u0080"]], ["\r\u0080'x", null], ["x'\t'g\t", null], ["\u000bn\u000bag", ["n\u000bag"]], ["'a", null], [" \u000bF", ["F"]], ["\f\r\u0080\"'a\"\u000b\ra", ["\u00c2\u0080'a", "a"]], [" \fnF\r\u00ff\"", null], ["'", null], ["\t\\' \\\u00e9\f", null], ["\"'", null], ["\"'bnbg\u000b\\ ", null], ["g\\\t\u000ba '\u0080\\", null], ["\"\u0080 ag\r'''\f", null], ["n'x\"F'\u000b", ["nx\"F"]], ["' \tg", null], ["x\r\u00e9'", null], ["\u0080\\ \f\fx", ["\u00c2\u0080\\", "x"]], [" a\"\txxxx\\", null], ["' F\fn x\u00ff", null], ["\u00e9Fg\"", null], ["g\\ \u0080 \r\\\r''", ["g\\", "\u00c2\u0080", "\\", ""]], ["x\\a", ["x\\a"]], ["\f\f", []], ["'\"\" ", null], ["\u000b\" nn", null], ["\t\u00ffga\t\tn", ["\u00c3\u00bfga", "n"]], ["a\u000b\t4\u00ff n'\u00e9\\", null], ["'\u00ff \\\"", null], ["\"bn\\a' ", null], ["\\n\r\u00ffFxF\u00ff\\", ["\\n", "\u00c3\u00bfFxF\u00c3\u00bf\\"]], [" \u0080\\", ["\u00c2\u0080\\"]], ["'F\u0080\u0080\\F4", null], ["g", ["g"]], ["\f\fb ", ["b"]], ["\u00ffFag\\\f'", null], ["x\\\u000b'\" ", null], ["\"\"", [""]], ["\u000ba\u00e9\\\\gF'", null], ["\t\f\u00e9'\f'\r\r''", ["\u00c3\u00a9\f", ""]], ["gb4", ["gb4"]], ["\f ax\u00e9\\\"\u00e9\\", null], ["\u0080\u00e9''x\\ '", null], ["\u00ff\fa'x", null], ["\u00e9\t", ["\u00c3\u00a9"]], ["bn\u000b\"\u00e9", null], ["\\\tF'ba\u0080\u000b", null], ["'g4b\"\"'b ", null], ["x4x", ["x4x"]], ["\u0080x\f", ["\u00c2\u0080x\f"]], ["b''\u000baxF'\u0080'", ["b", "axF\u00c2\u0080"]], ["\fg\\", ["g\\"]], ["\t\u000b\u000bb", ["b"]], ["\u00ff", ["\u00c3\u00bf"]], ["\ra", ["a"]], ["\\FbFn\\ \u00e9 x", ["\\FbFn\\", "\u00c3\u00a9", "x"]], ["'\f\u000b\f", null], ["\ra\"\u00ff\\\u00ff ", null], ["4\r \f\\", ["4", "\\"]], ["\t\u0080\u00e9\f\t", ["\u00c2\u0080\u00c3\u00a9\f"]], ["\u0080\"n\u00e9\u00e9", null], ["\fx\u0080", ["x\u00c2\u0080"]], ["b4\u0080", ["b4\u00c2\u0080"]], ["a\\", ["a\\"]], ["\u00ffF\u00e9", ["\u00c3\u00bfF\u00c3\u00a9"]], ["F\u000bF\t", ["F\u000bF"]], ["\f\\''n\\ \\", null], ["\"", null], ["\u000ba\u00e9", ["a\u00c3\u00a9"]], ["\\\\\f\\\"a", null], ["4a\t\tx\t\f\"\\\ra", null], ["\u0080", ["\u00c2\u0080"]], [" ", []], ["bx \u00e9", ["bx", "\u00c3\u00a9"]], ["\u00ff\u000b\u00ffb\\\u000b", ["\u00c3\u00bf\u000b\u00c3\u00bfb\\\u000b"]], [" \\n \"", null], ["\"\f", null], ["a  \u0080F4", ["a", "\u00c2\u0080F4"]], ["\\\u0080\"\u00804\\", null], ["'\\", null], ["\"\u000b", null], ["\"F\u0080 \u00ff'\u0080\\a", null], ["\u00e9\\ 44F \u00ff ", ["\u00c3\u00a9\\", "44F", "\u00c3\u00bf"]], ["F \"\"\u000b\u000b\u000bg", ["F", "", "g"]], ["n' ", null], ["'\u0080", null], ["'a \f\u00e9", null], ["\\4'\f\f\u00e9\u00e9na", null], ["x'\\\u00ff'  \u00e9\"'", null], ["F '\u00e9\"\t\u000b\u00ff", null], ["\\\r4\u00e9'\f\fx'", ["\\", "4\u00c3\u00a9\f\fx"]], ["ng\\\\bg\"\"\u000bb", ["ng\\\\bg", "b"]], ["\u000b\tF\rnb", ["F", "nb"]], ["\u0080x'n\\\\ ", null], ["\t \u000b\u0080", ["\u00c2\u0080"]], ["ng", ["ng"]], ["\\\r\\\r\u00e9\u00ff\tgb", ["\\", "\\", "\u00c3\u00a9\u00c3\u00bf", "gb"]], ["x", ["x"]], [" '\t' \\\"n", null], ["'\fF", null], ["\u00e9", ["\u00c3\u00a9"]], ["\\\u000bn\u0080\u00ff\\\r\u00ff", ["\\\u000bn\u00c2\u0080\u00c3\u00bf\\", "\u00c3\u00bf"]], ["\\\u00ffaa\f\fa", ["\\\u00c3\u00bfaa\f\fa"]], ["gx\\ \u0080x", ["gx\\", "\u00c2\u0080x"]], ["\t4\t'aF", null], ["g\r'\r4", null], ["\"\"\f", [""]], ["  \"\u00ff", null], ["\"n", null], ["\"x\ranb", null], ["b\u00ffa", ["b\u00c3\u00bfa"]], ["'b\"\\", null], ["'\u00ff", null], ["\f\"", null], ["\u0080\\xb \u0080", ["\u00c2\u0080\\xb", "\u00c2\u0080"]], ["'\\\u00ff\ra\rx", null], ["F\\aab", ["F\\aab"]], ["\\\u0080\f'g", null], ["\\", ["\\"]], [" x", ["x"]], ["ngba \u00ff\fF", ["ngba", "\u00c3\u00bf\fF"]], ["'\u0080\tn\t", null], [" 4\u000b\fb'", null], ["g\"\u00e9\t \\F\"\t", ["g\u00c3\u00a9\t F"]], ["F'\u0080F4a\f", null], ["n\\n ", ["n\\n"]], ["4\\", ["4\\"]], ["\u0080'g'\u000b\\'a\"\\", null], ["\u000bn  4a", ["n", "4a"]], ["x\\'n\"\tax", null], ["4x", ["4x"]], ["\u000b \\ '\"", null], ["b ", ["b"]], ["b\u00ffg\u0080aa", ["b\u00c3\u00bfg\u00c2\u0080aa"]], ["'\u000bg\u00e9\\\u00e9\u00e9\"\u00ff", null], ["\\\\b\rg\"b\"", ["\\\\b", "gb"]], ["n4\"", null], ["'n\u00ff \f\t\"", null], ["\u00e9\\\u000bF\t'", null], ["\u00e9\u00e9\"", null], ["x\r'\"\t\f\rxaF", null], ["F\"\r'\"\f''b'", null], ["\u000b\tn\"\u000b'b", null], ["\t\u0080\f", ["\u00c2\u0080\f"]], ["\u0080\fg \u0080'\r\r\t'", ["\u00c2\u0080\fg", "\u00c2\u0080\r\r\t"]], ["\"\"\fbn Fn", ["", "bn", "Fn"]], ["F\t\\\"\" ", ["F", "\\"]], ["\u0080\"\\\u000b\"\\", null], [" x\t", ["x"]], ["\rFan a\u0080'\u0080n", null], ["x\r\u00ff\"'", null], ["4\u0080\u000b\"'", null], ["xxg", ["xxg"]], ["\t\u0080an\u000b\ta\rb", ["\u00c2\u0080an\u000b", "a", "b"]], ["b4\"\u00e9", null], [" 'b\r\u0080 \\'", null]];

describe('splitArgs agrees with Redis on recorded lines', () => {
  test.each(ORACLE.map(([l, r]) => [JSON.stringify(l), l, r] as const))('%s', (_n, line, expected) => {
    const got = splitArgs('RPUSH fz ' + line);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toEqual(['RPUSH', 'fz', ...expected]);
    // the server-side hand-written splitter gives the same answer
    expect(splitInlineArgs(fromText('RPUSH fz ' + line))).toEqual(got);
  });
});

describe('splitArgs', () => {
  const ok: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['\t\v\f ', []],
    ['SET a b', ['SET', 'a', 'b']],
    ['  SET   a    b  ', ['SET', 'a', 'b']],
    ['SET "a b" c', ['SET', 'a b', 'c']],
    ["SET 'a b' c", ['SET', 'a b', 'c']],
    ['"\\x00\\xff\\xAb"', ['\x00\xff\xab']],
    ['"\\n\\r\\t\\b\\a"', ['\n\r\t\b\x07']],
    ['"\\"\\\\\\z"', ['"\\z']],
    ['"\\x4"', ['x4']],
    ['"\\x4g"', ['x4g']],
    ['"\\xg1"', ['xg1']],
    ['"\\x\\x41"', ['xA']],
    ['"\\x4\\x41"', ['x4A']],
    ["'it\\'s'", ["it's"]],
    ["'a\\b'", ['a\\b']],
    ["'\\\\'", null as unknown as string[]],
    ['a"b c"', ['ab c']],
    ["a'b c'", ['ab c']],
    ['a"b"  c', ['ab', 'c']],
    ['""', ['']],
    ['"" \'\'', ['', '']],
    ['a\vb', ['a\vb']],
    ['a \vb', ['a', 'b']],
    ['"a"\vb', ['a', 'b']],
    ['"a"\fb', ['a', 'b']],
    ['a\rb', ['a', 'b']],
    ['x "é"', ['x', '\xc3\xa9']],
    ['日本', ['\xe6\x97\xa5\xe6\x9c\xac']],
    ['a\0b c', ['a']],
  ];
  test.each(ok.filter(([, r]) => r !== null))('%j', (line, args) => expect(splitArgs(line)).toEqual(args));

  const bad = ['"abc', "'abc", '"a"b', "'a'b", '"a"\'b\'', '"a\\"', "'\\\\'", 'SET "a', 'x "a""', "'a\\'"];
  test.each(bad)('%j is invalid', (line) => expect(splitArgs(line)).toBeNull());

  test('byte-string input is taken as bytes', () => {
    expect(splitArgBytes('"\xff" \xe9')).toEqual(['\xff', '\xe9']);
  });

  test('long lines', () => {
    const words = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `"w ${i}"` : i % 3 === 1 ? `'q${i}'` : `u${i}`));
    const expected = words.map((w, i) => (i % 3 === 0 ? `w ${i}` : i % 3 === 1 ? `q${i}` : w));
    expect(splitArgs(words.join(' '))).toEqual(expected);
    const big = 'x'.repeat(200000);
    expect(splitArgs(`SET k "${big}"`)).toEqual(['SET', 'k', big]);
  });
});

describe('nearley grammar and hand-written splitter agree on random lines', () => {
  test('20000 seeded random lines', () => {
    let seed = 987654321;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const alpha = ['a', 'x', '4', 'F', 'g', ' ', ' ', '\t', '\n', '\v', '\f', '\r', '"', '"', "'", "'", '\\', '\\', '\x80', '\xff', 'n', '\x00'];
    let valid = 0;
    for (let i = 0; i < 20000; i++) {
      const len = Math.floor(rnd() * 16);
      let line = '';
      for (let j = 0; j < len; j++) line += alpha[Math.floor(rnd() * alpha.length)];
      const a = splitArgBytes(line);
      expect(a, JSON.stringify(line)).toEqual(splitInlineArgs(line));
      if (a !== null) valid++;
    }
    expect(valid).toBeGreaterThan(3000);
  });
});
