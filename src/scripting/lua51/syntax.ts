/**
 * Lua 5.1 compile-time checking for Redis scripts.
 *
 * Redis 7.0 embeds Lua 5.1 while redsim executes scripts on fengari (Lua 5.3).
 * Before handing a chunk to fengari we run it through this scanner/parser, which
 * follows the order of checks of Lua 5.1's llex.c/lparser.c (as the oracle was
 * built: LUA_COMPAT_VARARG, no LUA_COMPAT_LSTR, C locale ctype, glibc strtod) so that
 * both the accept/reject decision and the error text match luaL_loadbuffer.
 * No code is generated: only the state that can raise an error is modelled
 * (scopes, varargs, loops, nesting depth, local/upvalue limits).
 *
 * luaparse was considered but its messages and accepted language differ from
 * real 5.1 in many places (e.g. `1 & 2`, `0x1p4`, `(a) = 1`), so it is not used.
 *
 * All strings are byte strings (one char per byte).
 */

const EOZ = -1;
const MAXCCALLS = 200; // LUAI_MAXCCALLS: nesting limit for chunk/subexpr
const MAXVARS = 200; // LUAI_MAXVARS: active locals per function
const MAXUPVALUES = 60; // LUAI_MAXUPVALUES
const MAXSRC = 80; // size of the chunk-id buffer in luaX_lexerror

// Token codes: single-byte tokens are their byte value; the rest start at 257.
const FIRST_RESERVED = 257;
const RESERVED = [
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if',
  'in', 'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while',
];
const TOKEN_NAMES = [...RESERVED, '..', '...', '==', '>=', '<=', '~=', '<number>', '<name>', '<string>', '<eof>'];
const T = {
  AND: 257, BREAK: 258, DO: 259, ELSE: 260, ELSEIF: 261, END: 262, FALSE: 263, FOR: 264,
  FUNCTION: 265, IF: 266, IN: 267, LOCAL: 268, NIL: 269, NOT: 270, OR: 271, REPEAT: 272,
  RETURN: 273, THEN: 274, TRUE: 275, UNTIL: 276, WHILE: 277,
  CONCAT: 278, DOTS: 279, EQ: 280, GE: 281, LE: 282, NE: 283,
  NUMBER: 284, NAME: 285, STRING: 286, EOS: 287,
} as const;
const RESERVED_CODE = new Map(RESERVED.map((w, i) => [w, FIRST_RESERVED + i]));

const ch = (c: string): number => c.charCodeAt(0);
// C-locale <ctype.h> classes (Redis never changes LC_CTYPE).
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isCntrl = (c: number): boolean => (c >= 0 && c < 32) || c === 127;
const isNewline = (c: number): boolean => c === 10 || c === 13;

/** Thrown internally; `message` is the complete Lua error text. */
class Lua51CompileError extends Error {}

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

interface Token {
  token: number;
  name: string; // identifier text for NAME tokens
  start: number; // source offsets, used by the 5.3 rewriter
  end: number;
}

/** A source edit produced while parsing (only when rewriting for fengari). */
interface Edit {
  start: number;
  end: number;
  text: string;
}

class Lexer {
  current = EOZ;
  pos = 0; // offset of the char after `current`
  linenumber = 1;
  lastline = 1;
  buff = ''; // text saved for the token being read (llex's Mbuffer)
  t: Token = { token: T.EOS, name: '', start: 0, end: 0 };
  lookahead: Token = { token: T.EOS, name: '', start: 0, end: 0 };
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
          if (isString) this.saveAndNext();
          else this.next();
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
          this.saveAndNext();
      }
    }
    this.saveAndNext();
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
            tok.name = this.buff;
            return T.NAME;
          }
          this.next();
          return c;
      }
    }
  }

  private lex(tok: Token): void {
    tok.token = this.llex(tok);
    tok.end = Math.min(this.pos - 1, this.src.length);
  }

  advance(): void {
    this.lastline = this.linenumber;
    if (this.lookahead.token !== T.EOS) {
      this.t = this.lookahead;
      this.lookahead = { token: T.EOS, name: '', start: 0, end: 0 };
    } else {
      this.t = { token: T.EOS, name: '', start: 0, end: 0 };
      this.lex(this.t);
    }
  }

  peek(): void {
    this.lex(this.lookahead);
  }
}

interface Block {
  previous: Block | null;
  nactvar: number;
  isbreakable: boolean;
}

interface Upval {
  k: 'local' | 'upval';
  info: number;
}

interface FuncState {
  prev: FuncState | null;
  linedefined: number;
  isVararg: boolean;
  needsArg: boolean; // LUA_COMPAT_VARARG: `arg` table created unless `...` is used
  actvar: string[]; // names by register slot; slots >= nactvar are pending
  nactvar: number;
  upvalues: Upval[];
  bl: Block | null;
}

// Expression kinds that matter for errors: assignable, call, anything else.
type ExpKind = 'var' | 'call' | 'other';
type VarRef = { k: 'global' } | { k: 'local' | 'upval'; info: number };

// Operator priorities (left, right) as in 5.1's subexpr.
const BINARY: Map<number, [number, number]> = new Map([
  [43, [6, 6]], [45, [6, 6]], [42, [7, 7]], [47, [7, 7]], [37, [7, 7]],
  [94, [10, 9]], [T.CONCAT, [5, 4]],
  [T.NE, [3, 3]], [T.EQ, [3, 3]], [60, [3, 3]], [T.LE, [3, 3]], [62, [3, 3]], [T.GE, [3, 3]],
  [T.AND, [2, 2]], [T.OR, [1, 1]],
]);
const UNARY_PRIORITY = 8;

class Parser {
  private fs!: FuncState;
  private nCcalls = 0;
  private gotoName = '';

  constructor(
    private readonly ls: Lexer,
    private readonly edits: Edit[] | null,
    src: string,
  ) {
    if (edits) {
      let n = 0;
      do this.gotoName = `goto_${n++}`;
      while (src.includes(this.gotoName));
    }
  }

  run(): void {
    this.openFunc(0);
    this.fs.isVararg = true; // the main chunk is always vararg
    this.fs.needsArg = false;
    this.ls.advance();
    this.chunk();
    this.check(T.EOS);
  }

  // ---- helpers ---------------------------------------------------------

  private tk(): number {
    return this.ls.t.token;
  }

  private errorExpected(token: number): never {
    return this.ls.syntaxError(`'${this.ls.token2str(token)}' expected`);
  }

  private errorLimit(fs: FuncState, limit: number, what: string): never {
    const msg = fs.linedefined === 0
      ? `main function has more than ${limit} ${what}`
      : `function at line ${fs.linedefined} has more than ${limit} ${what}`;
    return this.ls.lexError(msg, 0);
  }

  private testNext(c: number): boolean {
    if (this.tk() !== c) return false;
    this.ls.advance();
    return true;
  }

  private check(c: number): void {
    if (this.tk() !== c) this.errorExpected(c);
  }

  private checkNext(c: number): void {
    this.check(c);
    this.ls.advance();
  }

  private checkMatch(what: number, who: number, where: number): void {
    if (this.testNext(what)) return;
    if (where === this.ls.linenumber) this.errorExpected(what);
    this.ls.syntaxError(
      `'${this.ls.token2str(what)}' expected (to close '${this.ls.token2str(who)}' at line ${where})`,
    );
  }

  /** str_checkname; `asVariable` marks names the 5.3 rewrite must rename. */
  private checkName(asVariable: boolean): string {
    this.check(T.NAME);
    const t = this.ls.t;
    if (asVariable && this.edits && t.name === 'goto') {
      this.edits.push({ start: t.start, end: t.end, text: this.gotoName });
    }
    this.ls.advance();
    return t.name;
  }

  private enterLevel(): void {
    if (++this.nCcalls > MAXCCALLS) this.ls.lexError('chunk has too many syntax levels', 0);
  }

  private leaveLevel(): void {
    this.nCcalls--;
  }

  // ---- scopes ----------------------------------------------------------

  private openFunc(line: number): void {
    this.fs = {
      prev: this.fs ?? null,
      linedefined: line,
      isVararg: false,
      needsArg: false,
      actvar: [],
      nactvar: 0,
      upvalues: [],
      bl: null,
    };
  }

  private newLocalVar(name: string, n: number): void {
    const fs = this.fs;
    if (fs.nactvar + n + 1 > MAXVARS) this.errorLimit(fs, MAXVARS, 'local variables');
    fs.actvar[fs.nactvar + n] = name;
  }

  private adjustLocalVars(n: number): void {
    this.fs.nactvar += n;
  }

  private enterBlock(isbreakable: boolean): void {
    this.fs.bl = { previous: this.fs.bl, nactvar: this.fs.nactvar, isbreakable };
  }

  private leaveBlock(): void {
    const bl = this.fs.bl!;
    this.fs.bl = bl.previous;
    this.fs.nactvar = bl.nactvar;
  }

  private searchVar(fs: FuncState, name: string): number {
    for (let i = fs.nactvar - 1; i >= 0; i--) if (fs.actvar[i] === name) return i;
    return -1;
  }

  private indexUpvalue(fs: FuncState, v: Upval): number {
    const i = fs.upvalues.findIndex((u) => u.k === v.k && u.info === v.info);
    if (i >= 0) return i;
    if (fs.upvalues.length + 1 > MAXUPVALUES) this.errorLimit(fs, MAXUPVALUES, 'upvalues');
    fs.upvalues.push(v);
    return fs.upvalues.length - 1;
  }

  private resolve(fs: FuncState | null, name: string): VarRef {
    if (!fs) return { k: 'global' };
    const v = this.searchVar(fs, name);
    if (v >= 0) return { k: 'local', info: v };
    const up = this.resolve(fs.prev, name);
    if (up.k === 'global') return up;
    return { k: 'upval', info: this.indexUpvalue(fs, up) };
  }

  private singleVar(): void {
    this.resolve(this.fs, this.checkName(true));
  }

  /** Whether `name` would resolve to a global here (no upvalues created). */
  private isGlobalHere(name: string): boolean {
    for (let fs: FuncState | null = this.fs; fs; fs = fs.prev) if (this.searchVar(fs, name) >= 0) return false;
    return true;
  }

  // ---- expressions -----------------------------------------------------

  private field(rewriteGoto: boolean): void {
    const dot = this.ls.t;
    this.ls.advance(); // '.' or ':'
    const t = this.ls.t;
    if (rewriteGoto && this.edits && t.token === T.NAME && t.name === 'goto') {
      // two edits so that anything between '.' and the name keeps its lines
      this.edits.push({ start: dot.start, end: dot.end, text: '[' });
      this.edits.push({ start: t.start, end: t.end, text: '"goto"]' });
    }
    this.checkName(false);
  }

  private yindex(): void {
    this.ls.advance();
    this.expr();
    this.checkNext(93);
  }

  private recField(): void {
    if (this.tk() === T.NAME) {
      const t = this.ls.t;
      if (this.edits && t.name === 'goto') this.edits.push({ start: t.start, end: t.end, text: '["goto"]' });
      this.checkName(false);
    } else {
      this.yindex();
    }
    this.checkNext(61);
    this.expr();
  }

  private constructor_(): void {
    const line = this.ls.linenumber;
    this.checkNext(123);
    do {
      if (this.tk() === 125) break;
      if (this.tk() === T.NAME) {
        this.ls.peek();
        if (this.ls.lookahead.token !== 61) this.expr();
        else this.recField();
      } else if (this.tk() === 91) {
        this.recField();
      } else {
        this.expr();
      }
    } while (this.testNext(44) || this.testNext(59));
    this.checkMatch(125, 123, line);
  }

  private parList(): void {
    const fs = this.fs;
    let nparams = 0;
    fs.isVararg = false;
    if (this.tk() !== 41) {
      do {
        if (this.tk() === T.NAME) {
          this.newLocalVar(this.checkName(true), nparams++);
        } else if (this.tk() === T.DOTS) {
          this.ls.advance();
          this.newLocalVar('arg', nparams++);
          fs.isVararg = true;
          fs.needsArg = true;
        } else {
          this.ls.syntaxError("<name> or '...' expected");
        }
      } while (!fs.isVararg && this.testNext(44));
    }
    this.adjustLocalVars(nparams);
  }

  private body(needself: boolean, line: number): void {
    this.openFunc(line);
    this.checkNext(40);
    if (needself) {
      this.newLocalVar('self', 0);
      this.adjustLocalVars(1);
    }
    this.parList();
    const fs = this.fs;
    const paramsEnd = this.ls.t.end;
    const argInit = this.edits && fs.isVararg ? this.argTableInit() : null;
    this.checkNext(41);
    this.chunk();
    this.checkMatch(T.END, T.FUNCTION, line);
    this.fs = fs.prev!;
    // 5.1 gives vararg functions that never use `...` a local `arg` table;
    // inserted on the same line so debug line numbers are unchanged.
    if (argInit && fs.needsArg) this.edits!.push({ start: paramsEnd, end: paramsEnd, text: ` local arg=${argInit};` });
  }

  /** An expression building 5.1's `arg`, using a builtin the script has not shadowed. */
  private argTableInit(): string | null {
    if (this.isGlobalHere('select')) return "{n=select('#',...),...}";
    if (this.isGlobalHere('table')) return 'table.pack(...)';
    return null;
  }

  private expList(): void {
    this.expr();
    while (this.testNext(44)) this.expr();
  }

  private funcArgs(): void {
    const line = this.ls.linenumber;
    switch (this.tk()) {
      case 40:
        if (line !== this.ls.lastline) this.ls.syntaxError('ambiguous syntax (function call x new statement)');
        this.ls.advance();
        if (this.tk() !== 41) this.expList();
        this.checkMatch(41, 40, line);
        return;
      case 123:
        this.constructor_();
        return;
      case T.STRING:
        this.ls.advance();
        return;
      default:
        this.ls.syntaxError('function arguments expected');
    }
  }

  private prefixExp(): ExpKind {
    if (this.tk() === 40) {
      const line = this.ls.linenumber;
      this.ls.advance();
      this.expr();
      this.checkMatch(41, 40, line);
      return 'other';
    }
    if (this.tk() === T.NAME) {
      this.singleVar();
      return 'var';
    }
    return this.ls.syntaxError('unexpected symbol');
  }

  private primaryExp(): ExpKind {
    let k = this.prefixExp();
    for (;;) {
      switch (this.tk()) {
        case 46:
          this.field(true);
          k = 'var';
          break;
        case 91:
          this.yindex();
          k = 'var';
          break;
        case 58:
          this.field(false);
          this.funcArgs();
          k = 'call';
          break;
        case 40:
        case T.STRING:
        case 123:
          this.funcArgs();
          k = 'call';
          break;
        default:
          return k;
      }
    }
  }

  private simpleExp(): ExpKind {
    switch (this.tk()) {
      case T.NUMBER:
      case T.STRING:
      case T.NIL:
      case T.TRUE:
      case T.FALSE:
        break;
      case T.DOTS:
        if (!this.fs.isVararg) this.ls.syntaxError("cannot use '...' outside a vararg function");
        this.fs.needsArg = false;
        break;
      case 123:
        this.constructor_();
        return 'other';
      case T.FUNCTION:
        this.ls.advance();
        this.body(false, this.ls.linenumber);
        return 'other';
      default:
        return this.primaryExp();
    }
    this.ls.advance();
    return 'other';
  }

  /** Returns the expression kind and the first operator it did not consume. */
  private subExpr(limit: number): [ExpKind, number] {
    this.enterLevel();
    let k: ExpKind;
    const t = this.tk();
    if (t === T.NOT || t === 45 || t === 35) {
      this.ls.advance();
      this.subExpr(UNARY_PRIORITY);
      k = 'other';
    } else {
      k = this.simpleExp();
    }
    let op = this.tk();
    let prio = BINARY.get(op);
    while (prio && prio[0] > limit) {
      this.ls.advance();
      const [, next] = this.subExpr(prio[1]);
      k = 'other';
      op = next;
      prio = BINARY.get(op);
    }
    this.leaveLevel();
    return [k, op];
  }

  private expr(): ExpKind {
    return this.subExpr(0)[0];
  }

  // ---- statements ------------------------------------------------------

  private blockFollow(): boolean {
    const t = this.tk();
    return t === T.ELSE || t === T.ELSEIF || t === T.END || t === T.UNTIL || t === T.EOS;
  }

  private block(): void {
    this.enterBlock(false);
    this.chunk();
    this.leaveBlock();
  }

  private assignment(k: ExpKind, nvars: number): void {
    if (k !== 'var') this.ls.syntaxError('syntax error');
    if (this.testNext(44)) {
      const nk = this.primaryExp();
      if (nvars > MAXCCALLS - this.nCcalls) this.errorLimit(this.fs, MAXCCALLS - this.nCcalls, 'variables in assignment');
      this.assignment(nk, nvars + 1);
    } else {
      this.checkNext(61);
      this.expList();
    }
  }

  private breakStat(): void {
    let bl = this.fs.bl;
    while (bl && !bl.isbreakable) bl = bl.previous;
    if (!bl) this.ls.syntaxError('no loop to break');
  }

  private whileStat(line: number): void {
    this.ls.advance();
    this.expr();
    this.enterBlock(true);
    this.checkNext(T.DO);
    this.block();
    this.checkMatch(T.END, T.WHILE, line);
    this.leaveBlock();
  }

  private repeatStat(line: number): void {
    this.enterBlock(true);
    this.enterBlock(false);
    this.ls.advance();
    this.chunk();
    this.checkMatch(T.UNTIL, T.REPEAT, line);
    this.expr();
    this.leaveBlock();
    this.leaveBlock();
  }

  private forBody(nvars: number): void {
    this.adjustLocalVars(3);
    this.checkNext(T.DO);
    this.enterBlock(false);
    this.adjustLocalVars(nvars);
    this.block();
    this.leaveBlock();
  }

  private forNum(varname: string): void {
    this.newLocalVar('(for index)', 0);
    this.newLocalVar('(for limit)', 1);
    this.newLocalVar('(for step)', 2);
    this.newLocalVar(varname, 3);
    this.checkNext(61);
    this.expr();
    this.checkNext(44);
    this.expr();
    if (this.testNext(44)) this.expr();
    this.forBody(1);
  }

  private forList(indexname: string): void {
    let nvars = 0;
    this.newLocalVar('(for generator)', nvars++);
    this.newLocalVar('(for state)', nvars++);
    this.newLocalVar('(for control)', nvars++);
    this.newLocalVar(indexname, nvars++);
    while (this.testNext(44)) this.newLocalVar(this.checkName(true), nvars++);
    this.checkNext(T.IN);
    this.expList();
    this.forBody(nvars - 3);
  }

  private forStat(line: number): void {
    this.enterBlock(true);
    this.ls.advance();
    const varname = this.checkName(true);
    if (this.tk() === 61) this.forNum(varname);
    else if (this.tk() === 44 || this.tk() === T.IN) this.forList(varname);
    else this.ls.syntaxError("'=' or 'in' expected");
    this.checkMatch(T.END, T.FOR, line);
    this.leaveBlock();
  }

  private testThenBlock(): void {
    this.ls.advance();
    this.expr();
    this.checkNext(T.THEN);
    this.block();
  }

  private ifStat(line: number): void {
    this.testThenBlock();
    while (this.tk() === T.ELSEIF) this.testThenBlock();
    if (this.tk() === T.ELSE) {
      this.ls.advance();
      this.block();
    }
    this.checkMatch(T.END, T.IF, line);
  }

  private localFunc(): void {
    this.newLocalVar(this.checkName(true), 0);
    this.adjustLocalVars(1);
    this.body(false, this.ls.linenumber);
  }

  private localStat(): void {
    let nvars = 0;
    do this.newLocalVar(this.checkName(true), nvars++);
    while (this.testNext(44));
    if (this.testNext(61)) this.expList();
    this.adjustLocalVars(nvars);
  }

  private funcStat(line: number): void {
    this.ls.advance();
    this.singleVar();
    let needself = false;
    while (this.tk() === 46) this.field(false);
    if (this.tk() === 58) {
      needself = true;
      this.field(false);
    }
    this.body(needself, line);
  }

  private exprStat(): void {
    const k = this.primaryExp();
    if (k !== 'call') this.assignment(k, 1);
  }

  private retStat(): void {
    this.ls.advance();
    if (this.blockFollow() || this.tk() === 59) return;
    this.expList();
  }

  /** Returns true when the statement must be the last of its block. */
  private statement(): boolean {
    const line = this.ls.linenumber;
    switch (this.tk()) {
      case T.IF:
        this.ifStat(line);
        return false;
      case T.WHILE:
        this.whileStat(line);
        return false;
      case T.DO:
        this.ls.advance();
        this.block();
        this.checkMatch(T.END, T.DO, line);
        return false;
      case T.FOR:
        this.forStat(line);
        return false;
      case T.REPEAT:
        this.repeatStat(line);
        return false;
      case T.FUNCTION:
        this.funcStat(line);
        return false;
      case T.LOCAL:
        this.ls.advance();
        if (this.testNext(T.FUNCTION)) this.localFunc();
        else this.localStat();
        return false;
      case T.RETURN:
        this.retStat();
        return true;
      case T.BREAK:
        this.ls.advance();
        this.breakStat();
        return true;
      default:
        this.exprStat();
        return false;
    }
  }

  private chunk(): void {
    let islast = false;
    this.enterLevel();
    while (!islast && !this.blockFollow()) {
      islast = this.statement();
      this.testNext(59);
    }
    this.leaveLevel();
  }
}

function parse(source: string, chunkName: string, edits: Edit[] | null): string | null {
  try {
    new Parser(new Lexer(source, chunkName, edits), edits, source).run();
    return null;
  } catch (e) {
    if (e instanceof Lua51CompileError) return e.message;
    throw e;
  }
}

/**
 * Compiles `source` (a byte string) the way Lua 5.1's luaL_loadbuffer would
 * with the given chunk name, without running it. Returns null when it is valid,
 * else the exact Lua error message, e.g. `user_script:1: '<eof>' expected near '&'`.
 * Redis uses chunk name "@user_script" for EVAL and "@user_function" for
 * FUNCTION LOAD; it prefixes "Error compiling script (new function): " resp.
 * "Error compiling function: " and turns CR/LF into spaces in the reply.
 */
export function checkLua51Syntax(source: string, chunkName: string): string | null {
  return parse(source, chunkName, null);
}

/**
 * Rewrites a chunk that is valid Lua 5.1 so that a Lua 5.3 compiler (fengari)
 * gives it 5.1 meaning, keeping every token on its original line:
 * - unknown string escapes (`\x41`, `\z`, `\u{..}`, `\q` ...) lose their
 *   backslash, as 5.1 keeps just the char;
 * - `goto`, a plain name in 5.1, becomes a fresh identifier when used as a
 *   variable and `["goto"]` as a field or table key (`a:goto()` and
 *   `function a.goto()` are left as is: 5.3 cannot express them);
 * - vararg functions that never use `...` get 5.1's implicit `arg` table;
 * - integer literals beyond int32 become the double 5.1 reads (fengari would
 *   wrap hex ones at 32 bits).
 * Throws if the source is not valid Lua 5.1 (call checkLua51Syntax first).
 */
export function normalizeLua51Source(source: string): string {
  const edits: Edit[] = [];
  const err = parse(source, '=normalize', edits);
  if (err !== null) throw new Error(err);
  addBigIntegerEdits(source, edits);
  if (edits.length === 0) return source;
  // Insertions and replacements never overlap; apply from the end.
  edits.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = source;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * 5.1 numbers are all doubles. fengari's integers are 32-bit: a hex literal
 * past 2^31 wraps and 5.3 keeps decimal ones exact, so integer literals that do
 * not fit an int32 are rewritten to the double 5.1 reads.
 */
function addBigIntegerEdits(source: string, edits: Edit[]): void {
  const lx = new Lexer(source, '=normalize', null);
  for (lx.advance(); lx.t.token !== T.EOS; lx.advance()) {
    if (lx.t.token !== T.NUMBER) continue;
    const text = source.slice(lx.t.start, lx.t.end);
    if (!/^(?:\d+|0[xX][0-9a-fA-F]+)$/.test(text)) continue;
    const big = BigInt(text);
    if (big <= 0x7fffffffn) continue;
    let lit = String(Number(big)); // nearest double, as strtod rounds
    if (!/[.eE]/.test(lit)) lit += '.0';
    edits.push({ start: lx.t.start, end: lx.t.end, text: lit });
  }
}
