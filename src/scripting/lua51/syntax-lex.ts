/**
 * Lua 5.1 lexer (llex.c behaviour) for the syntax checker in syntax.ts: same
 * token boundaries, line counting, error texts and `near` token text as the
 * oracle's luaL_loadbuffer. Byte strings in, one char per byte.
 */

export const EOZ = -1;
const MAXSRC = 80; // size of the chunk-id buffer in luaX_lexerror

// Token codes: single-byte tokens are their byte value; the rest start at 257.
export const FIRST_RESERVED = 257;
const RESERVED = [
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if',
  'in', 'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
];
const TOKEN_NAMES = [...RESERVED, '..', '...', '==', '>=', '<=', '~=', '<number>', '<name>', '<string>', '<eof>'];
export const T = {
  AND: 257, BREAK: 258, DO: 259, ELSE: 260, ELSEIF: 261, END: 262, FALSE: 263, FOR: 264,
  FUNCTION: 265, IF: 266, IN: 267, LOCAL: 268, NIL: 269, NOT: 270, OR: 271, REPEAT: 272,
  RETURN: 273, THEN: 274, TRUE: 275, UNTIL: 276, WHILE: 277,
  CONCAT: 278, DOTS: 279, EQ: 280, GE: 281, LE: 282, NE: 283,
  NUMBER: 284, NAME: 285, STRING: 286, EOS: 287,
} as const;
const RESERVED_CODE = new Map(RESERVED.map((w, i) => [w, FIRST_RESERVED + i]));

// C-locale <ctype.h> classes (Redis never changes LC_CTYPE).
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isCntrl = (c: number): boolean => (c >= 0 && c < 32) || c === 127;
export const isNewline = (c: number): boolean => c === 10 || c === 13;

/** Thrown internally; `message` is the complete Lua error text. */
export class Lua51CompileError extends Error {}

/** glibc strtod accepting the whole string (what luaO_str2d needs to succeed). */
const DEC_FLOAT = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?$/;
function isValidNumeral(s: string): boolean {
  // Any string where strtod stops at an 'x' is never completed by the strtoul
  // fallback either (strtod already consumes every complete hex form).
  return DEC_FLOAT.test(s) || HEX_FLOAT.test(s);
}

/** luaO_chunkid: how the chunk name appears in messages. */
function chunkId(source: string): string {
  const nul = source.indexOf('\0');
  if (nul >= 0) source = source.slice(0, nul);
  if (source.startsWith('=')) return source.slice(1, MAXSRC);
  if (source.startsWith('@')) {
    const name = source.slice(1);
    const room = MAXSRC - " '...' ".length - 1;
    return name.length > room ? '...' + name.slice(name.length - room) : name;
  }
  const nl = source.search(/[\n\r]/);
  let len = nl < 0 ? source.length : nl;
  const room = MAXSRC - ' [string "..."] '.length - 1;
  if (len > room) len = room;
  return len < source.length ? `[string "${source.slice(0, len)}..."]` : `[string "${source}"]`;
}

/** C string semantics of %s: text stops at the first NUL byte. */
const cstr = (s: string): string => {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
};

export interface Token {
  token: number;
  sval: string; // NAME: the identifier; STRING: the string's bytes
  nval: number; // NUMBER: its value
  start: number; // source offsets, used by the 5.3 rewriter
  end: number;
}

/** A source edit produced while parsing (only when rewriting for fengari). */
const emptyToken = (): Token => ({ token: T.EOS, sval: '', nval: 0, start: 0, end: 0 });

/** Value of a numeral already known to be valid (as strtod reads it). */
function numeralValue(s: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return Number(s);
  const frac = m[2] ?? '';
  const mant = Number(BigInt('0x' + (m[1] + frac || '0')));
  return m[2] === undefined && m[3] === undefined ? mant : mant * 2 ** (Number(m[3] ?? 0) - 4 * frac.length);
}

// Chars that end a run of plain content in long brackets / quoted strings.
const LONG_STOP = /[\]\n\r]/g;
const DQ_STOP = /["\\\n\r]/g;
const SQ_STOP = /['\\\n\r]/g;

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class Lexer {
  current = EOZ;
  pos = 0; // offset of the char after `current`
  linenumber = 1;
  lastline = 1;
  buff = ''; // text saved for the token being read (llex's Mbuffer)
  t: Token = emptyToken();
  lookahead: Token = emptyToken();
  private readonly chunk: string;

  constructor(
    private readonly src: string,
    chunkName: string,
    private readonly edits: Edit[] | null,
  ) {
    this.chunk = chunkId(chunkName);
    this.next();
  }

  /** Read through a method so TS does not keep narrowing across next(). */
  private cur(): number {
    return this.current;
  }

  private next(): void {
    this.current = this.pos < this.src.length ? this.src.charCodeAt(this.pos) : EOZ;
    this.pos++;
  }

  private save(c: number): void {
    this.buff += String.fromCharCode(c);
  }

  private saveAndNext(): void {
    this.save(this.cur());
    this.next();
  }

  private checkNext(set: string): boolean {
    // strchr() also "finds" a NUL byte (the set's terminator)
    if (this.cur() === EOZ || (this.cur() !== 0 && !set.includes(String.fromCharCode(this.cur())))) return false;
    this.saveAndNext();
    return true;
  }

  token2str(token: number): string {
    if (token < FIRST_RESERVED) return isCntrl(token) ? `char(${token})` : String.fromCharCode(token);
    return TOKEN_NAMES[token - FIRST_RESERVED];
  }

  private txtToken(token: number): string {
    if (token === T.NAME || token === T.STRING || token === T.NUMBER) return cstr(this.buff);
    return this.token2str(token);
  }

  /** luaX_lexerror: token 0 means "no near part". */
  lexError(msg: string, token: number): never {
    let full = `${this.chunk}:${this.linenumber}: ${msg}`;
    if (token) full += ` near '${this.txtToken(token)}'`;
    throw new Lua51CompileError(full);
  }

  syntaxError(msg: string): never {
    return this.lexError(msg, this.t.token);
  }

  private incLinenumber(): void {
    const old = this.cur();
    this.next();
    if (isNewline(this.cur()) && this.cur() !== old) this.next();
    ++this.linenumber;
  }

  private readNumeral(): void {
    do this.saveAndNext();
    while (isDigit(this.cur()) || this.cur() === 46);
    if (this.checkNext('Ee')) this.checkNext('+-');
    while (isAlnum(this.cur()) || this.cur() === 95) this.saveAndNext();
    if (!isValidNumeral(cstr(this.buff))) this.lexError('malformed number', T.NUMBER);
  }

  /** Returns the level of a long bracket, or -(count)-1 when it is not one. */
  private skipSep(): number {
    let count = 0;
    const s = this.cur();
    this.saveAndNext();
    while (this.cur() === 61) {
      this.saveAndNext();
      count++;
    }
    return this.cur() === s ? count : -count - 1;
  }

  private readLongString(isString: boolean, sep: number): void {
    this.saveAndNext(); // second '['
    if (isNewline(this.cur())) this.incLinenumber();
    for (;;) {
      switch (this.cur()) {
        case EOZ:
          this.lexError(isString ? 'unfinished long string' : 'unfinished long comment', T.EOS);
        // A nested '[[' is plain content: the oracle's build has no
        // LUA_COMPAT_LSTR (no "nesting of [[...]]" error, no nesting count).
        case 93: // ']'
          if (this.skipSep() === sep) {
            this.saveAndNext();
            return;
          }
          break;
        case 10:
        case 13:
          this.save(10);
          this.incLinenumber();
          if (!isString) this.buff = '';
          break;
        default:
          this.skipRun(LONG_STOP, isString);
      }
    }
  }

  private readString(del: number): void {
    this.saveAndNext();
    while (this.cur() !== del) {
      switch (this.cur()) {
        case EOZ:
          this.lexError('unfinished string', T.EOS);
        // eslint-disable-next-line no-fallthrough
        case 10:
        case 13:
          this.lexError('unfinished string', T.STRING);
        // eslint-disable-next-line no-fallthrough
        case 92: {
          const backslashAt = this.pos - 1;
          this.next();
          const e = this.cur();
          const simple = 'abfnrtv'.indexOf(String.fromCharCode(e));
          if (e !== EOZ && simple >= 0) {
            this.save([7, 8, 12, 10, 13, 9, 11][simple]);
            this.next();
          } else if (e === 10 || e === 13) {
            this.save(10);
            this.incLinenumber();
          } else if (e === EOZ) {
            // reported as an unfinished string by the loop
          } else if (!isDigit(e)) {
            // 5.1 keeps unknown escapes as the plain char; 5.3 would reject or
            // reinterpret them (\x, \z, \u), so the rewrite drops the backslash.
            if (this.edits && e !== 92 && e !== 34 && e !== 39) {
              this.edits.push({ start: backslashAt, end: backslashAt + 1, text: '' });
            }
            this.saveAndNext();
          } else {
            let c = 0;
            let i = 0;
            do {
              c = 10 * c + (this.cur() - 48);
              this.next();
            } while (++i < 3 && isDigit(this.cur()));
            if (c > 255) this.lexError('escape sequence too large', T.STRING);
            this.save(c);
          }
          break;
        }
        default:
          this.skipRun(del === 34 ? DQ_STOP : SQ_STOP, true);
      }
    }
    this.saveAndNext();
  }

  /**
   * Consumes `current` and the following chars up to the next one matching
   * `stop` (a global regex) or the end, saving them if asked; a fast path for
   * the plain-content loops of strings and comments.
   */
  private skipRun(stop: RegExp, keep: boolean): void {
    const from = this.pos - 1;
    stop.lastIndex = this.pos;
    const m = stop.exec(this.src);
    const to = m ? m.index : this.src.length;
    if (keep) this.buff += this.src.slice(from, to);
    this.pos = to;
    this.next();
  }

  private llex(tok: Token): number {
    this.buff = '';
    for (;;) {
      tok.start = Math.min(this.pos - 1, this.src.length);
      const c = this.cur();
      switch (c) {
        case 10:
        case 13:
          this.incLinenumber();
          continue;
        case 45: // '-'
          this.next();
          if (this.cur() !== 45) return 45;
          this.next();
          if (this.cur() === 91) {
            const sep = this.skipSep();
            this.buff = '';
            if (sep >= 0) {
              this.readLongString(false, sep);
              this.buff = '';
              continue;
            }
          }
          while (!isNewline(this.cur()) && this.cur() !== EOZ) this.next();
          continue;
        case 91: { // '['
          const sep = this.skipSep();
          if (sep >= 0) {
            this.readLongString(true, sep);
            tok.sval = this.buff.slice(2 + sep, this.buff.length - (2 + sep));
            return T.STRING;
          }
          if (sep === -1) return 91;
          return this.lexError('invalid long string delimiter', T.STRING);
        }
        case 61: // '='
          this.next();
          if (this.cur() !== 61) return 61;
          this.next();
          return T.EQ;
        case 60: // '<'
          this.next();
          if (this.cur() !== 61) return 60;
          this.next();
          return T.LE;
        case 62: // '>'
          this.next();
          if (this.cur() !== 61) return 62;
          this.next();
          return T.GE;
        case 126: // '~'
          this.next();
          if (this.cur() !== 61) return 126;
          this.next();
          return T.NE;
        case 34:
        case 39:
          this.readString(c);
          tok.sval = this.buff.slice(1, -1);
          return T.STRING;
        case 46: // '.'
          this.saveAndNext();
          if (this.checkNext('.')) return this.checkNext('.') ? T.DOTS : T.CONCAT;
          if (!isDigit(this.cur())) return 46;
          this.readNumeral();
          return T.NUMBER;
        case EOZ:
          return T.EOS;
        default:
          if (isSpace(c)) {
            this.next();
            continue;
          }
          if (isDigit(c)) {
            this.readNumeral();
            return T.NUMBER;
          }
          if (isAlpha(c) || c === 95) {
            do this.saveAndNext();
            while (isAlnum(this.cur()) || this.cur() === 95);
            const reserved = RESERVED_CODE.get(this.buff);
            if (reserved !== undefined) return reserved;
            tok.sval = this.buff;
            return T.NAME;
          }
          this.next();
          return c;
      }
    }
  }

  private lex(tok: Token): void {
    tok.token = this.llex(tok);
    if (tok.token === T.NUMBER) tok.nval = numeralValue(cstr(this.buff));
    tok.end = Math.min(this.pos - 1, this.src.length);
  }

  advance(): void {
    this.lastline = this.linenumber;
    if (this.lookahead.token !== T.EOS) {
      this.t = this.lookahead;
      this.lookahead = emptyToken();
    } else {
      this.t = emptyToken();
      this.lex(this.t);
    }
  }

  peek(): void {
    this.lex(this.lookahead);
  }
}

