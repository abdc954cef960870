import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAof, readAofPath, parseManifest, rdbIsEmpty } from '../../src/replay/aof.js';
import { encodeCommand } from '../../src/resp/parser.js';

const cmds = (...c: string[][]) => Buffer.concat(c.map((a) => encodeCommand(a)));

describe('AOF reader', () => {
  test('commands, binary values, #TS annotations', () => {
    const buf = Buffer.concat([
      Buffer.from('#TS:1700000000\r\n'),
      cmds(['SELECT', '1'], ['SET', 'k', 'a\r\nb\x00\xff']),
      Buffer.from('#TS:1700000005\r\n'),
      cmds(['DEL', 'k']),
    ]);
    const r = readAof(buf);
    expect(r.truncated).toBe(false);
    expect(r.entries).toEqual([
      { line: 1, client: 'aof', timeUs: 1700000000_000000, argv: ['SELECT', '1'] },
      { line: 2, client: 'aof', timeUs: 1700000000_000000, argv: ['SET', 'k', 'a\r\nb\x00\xff'] },
      { line: 3, client: 'aof', timeUs: 1700000005_000000, argv: ['DEL', 'k'] },
    ]);
  });

  test('a truncated last command is dropped and reported', () => {
    const whole = cmds(['SET', 'a', '1'], ['SET', 'b', '2']);
    for (const cut of [whole.length - 1, whole.length - 5, 30]) {
      const r = readAof(whole.subarray(0, cut));
      expect(r.truncated).toBe(true);
      expect(r.entries.map((e) => e.argv[1])).toEqual(['a']);
    }
  });

  test('a malformed file is an error', () => {
    expect(() => readAof(Buffer.from('SET a b\r\n'))).toThrow(/multibulk/);
    expect(() => readAof(Buffer.from('*1\r\n+OK\r\n'))).toThrow(/bulk length/);
  });

  test('manifest lines', () => {
    expect(parseManifest('file appendonly.aof.1.base.rdb seq 1 type b\nfile "a b.aof" seq 2 type i\n')).toEqual([
      { name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'b' },
      { name: 'a b.aof', seq: 2, type: 'i' },
    ]);
    expect(() => parseManifest('file x seq\n')).toThrow();
  });

  test('the captured 7.0.15 manifest: empty RDB base, then the incremental file', () => {
    const dir = fileURLToPath(new URL('../../examples/traces/appendonlydir/', import.meta.url));
    const r = readAofPath(join(dir, 'appendonly.aof.manifest'));
    expect(r.entries[0].argv).toEqual(['SELECT', '9']);
    expect(r.entries.map((e) => e.argv[0])).toContain('PEXPIREAT');
    const single = readAofPath(join(dir, 'appendonly.aof.1.incr.aof'));
    expect(single.entries).toEqual(r.entries);
  });

  test('an RDB base with keys is refused', () => {
    // REDIS0010, an AUX field, SELECTDB 0, then a string key (type 0): data.
    const rdb = Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([0xfa, 1, 0x61, 0xc0, 5, 0xfe, 0, 0x00, 1, 0x6b, 1, 0x76, 0xff])]);
    expect(rdbIsEmpty(rdb)).toBe(false);
    const empty = Buffer.concat([Buffer.from('REDIS0010'), Buffer.from([0xfa, 1, 0x61, 0xc0, 5, 0xff])]);
    expect(rdbIsEmpty(empty)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'redsim-aof-'));
    try {
      writeFileSync(join(dir, 'm.manifest'), 'file base.rdb seq 1 type b\nfile incr.aof seq 1 type i\n');
      writeFileSync(join(dir, 'base.rdb'), rdb);
      writeFileSync(join(dir, 'incr.aof'), cmds(['SET', 'x', '1']));
      expect(() => readAofPath(join(dir, 'm.manifest'))).toThrow(/RDB base with keys/);
      writeFileSync(join(dir, 'base.rdb'), empty);
      expect(readAofPath(join(dir, 'm.manifest')).entries.map((e) => e.argv)).toEqual([['SET', 'x', '1']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
