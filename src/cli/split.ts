/**
 * redis-cli's argument splitting: a command line -> argv (byte strings), or
 * null when redis-cli would print "Invalid argument(s)" (unbalanced quotes,
 * or a closing quote followed by something other than a blank).
 *
 * The language is defined by grammar/cmdline.ne (nearley), compiled at build
 * time into ./cmdline-grammar.generated.js.
 */
import nearley from 'nearley';
import grammarModule from './cmdline-grammar.generated.js';
import { fromText } from '../util/bytes.js';

const grammar = nearley.Grammar.fromCompiled(grammarModule as unknown as nearley.CompiledRules);

/** Split a line that is already a byte string (one char per byte). */
export function splitArgBytes(line: string): string[] | null {
  // The C splitter sees a NUL-terminated string: a NUL ends the line.
  const nul = line.indexOf('\0');
  if (nul >= 0) line = line.slice(0, nul);
  const parser = new nearley.Parser(grammar);
  try {
    parser.feed(line);
  } catch {
    return null; // no parse can continue: bad quoting
  }
  const results = parser.results as string[][];
  if (results.length === 0) return null; // e.g. an unterminated quote
  return results[0];
}

/** Split a line of UTF-8 text (as typed at redis-cli) into byte-string args. */
export function splitArgs(line: string): string[] | null {
  return splitArgBytes(fromText(line));
}
