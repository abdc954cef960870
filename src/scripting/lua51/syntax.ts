/**
 * Lua 5.1 compile-time checking for Redis scripts.
 *
 * Redis 7.0 embeds Lua 5.1 while redsim executes scripts on fengari (Lua 5.3).
 * Before handing a chunk to fengari we run it through this parser, which
 * follows the order of checks of Lua 5.1's lparser.c (with the lexer in
 * syntax-lex.ts and the register/constant accounting of lcode.c in
 * syntax-code.ts), so that both the accept/reject decision and the error text
 * match luaL_loadbuffer of the oracle's build (LUA_COMPAT_VARARG, no
 * LUA_COMPAT_LSTR, C-locale ctype, glibc strtod).
 *
 * luaparse was considered but its messages and accepted language differ from
 * real 5.1 in many places (e.g. `1 & 2`, `0x1p4`, `(a) = 1`), so it is not used.
 *
 * All strings are byte strings (one char per byte).
 */
import {
  CodeState, LFIELDS_PER_FLUSH, hasMultRet, newExp, newFuncState,
  type Exp, type FuncState, type Upval,
} from './syntax-code.js';
import { Lexer, Lua51CompileError, T, type Edit } from './syntax-lex.js';

const MAXCCALLS = 200; // LUAI_MAXCCALLS: nesting limit for chunk/subexpr
const MAXVARS = 200; // LUAI_MAXVARS: active locals per function
const MAXUPVALUES = 60; // LUAI_MAXUPVALUES

// Binary operators: name and (left, right) priority as in 5.1's subexpr.
const BINARY: Map<number, [string, number, number]> = new Map([
  [43, ['add', 6, 6]], [45, ['sub', 6, 6]], [42, ['mul', 7, 7]], [47, ['div', 7, 7]], [37, ['mod', 7, 7]],
  [94, ['pow', 10, 9]], [T.CONCAT, ['concat', 5, 4]],
  [T.NE, ['ne', 3, 3]], [T.EQ, ['eq', 3, 3]], [60, ['lt', 3, 3]], [T.LE, ['le', 3, 3]],
  [62, ['gt', 3, 3]], [T.GE, ['ge', 3, 3]],
  [T.AND, ['and', 2, 2]], [T.OR, ['or', 1, 1]],
]);
const UNARY: Map<number, 'not' | 'unm' | 'len'> = new Map([[T.NOT, 'not'], [45, 'unm'], [35, 'len']]);
const UNARY_PRIORITY = 8;

/** A left-hand side of an assignment, chained to the previous ones. */
interface Lhs {
  prev: Lhs | null;
  v: Exp;
}

class Parser extends CodeState {
  private nCcalls = 0;
  private gotoName = '';

  constructor(
    ls: Lexer,
    private readonly edits: Edit[] | null,
    src: string,
  ) {
    super(ls);
    if (edits) {
      let n = 0;
      do this.gotoName = `goto__${n++}__`;
      while (src.includes(this.gotoName));
    }
  }

  run(): void {
    this.fs = newFuncState(null, 0);
    this.fs.isVararg = true; // the main chunk is always vararg
    this.ls.advance();
    this.chunk();
    this.check(T.EOS);
  }

  // ---- helpers ---------------------------------------------------------

  /** Current token (a method, so TS does not narrow it across advance()). */
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
    if (asVariable && this.edits && t.sval === 'goto') {
      this.edits.push({ start: t.start, end: t.end, text: this.gotoName });
    }
    this.ls.advance();
    return t.sval;
  }

  /** checkname + codestring: a name used as a string constant. */
  private nameConstant(): Exp {
    return newExp('k', this.stringK(this.checkName(false)));
  }

  private enterLevel(): void {
    if (++this.nCcalls > MAXCCALLS) this.ls.lexError('chunk has too many syntax levels', 0);
  }

  private leaveLevel(): void {
    this.nCcalls--;
  }

  // ---- scopes ----------------------------------------------------------

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
    const fs = this.fs;
    const bl = fs.bl!;
    fs.bl = bl.previous;
    fs.nactvar = bl.nactvar;
    fs.freereg = fs.nactvar;
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

  private singleVarAux(fs: FuncState | null, name: string): Exp {
    if (!fs) return newExp('global');
    const v = this.searchVar(fs, name);
    if (v >= 0) return newExp('local', v);
    const up = this.singleVarAux(fs.prev, name);
    if (up.k === 'global') return up;
    return newExp('upval', this.indexUpvalue(fs, { k: up.k as Upval['k'], info: up.info }));
  }

  private singleVar(): Exp {
    const name = this.checkName(true);
    const v = this.singleVarAux(this.fs, name);
    if (v.k === 'global') v.info = this.stringK(name);
    return v;
  }

  /** Whether `name` would resolve to a global here (no upvalues created). */
  private isGlobalHere(name: string): boolean {
    for (let fs: FuncState | null = this.fs; fs; fs = fs.prev) if (this.searchVar(fs, name) >= 0) return false;
    return true;
  }

  // ---- expressions -----------------------------------------------------

  /** field -> ['.' | ':'] NAME */
  private field(v: Exp, rewriteGoto: boolean): void {
    this.exp2anyreg(v);
    const dot = this.ls.t;
    this.ls.advance();
    const t = this.ls.t;
    if (rewriteGoto && this.edits && t.token === T.NAME && t.sval === 'goto') {
      // two edits so that anything between '.' and the name keeps its lines
      this.edits.push({ start: dot.start, end: dot.end, text: '[' });
      this.edits.push({ start: t.start, end: t.end, text: '"goto"]' });
    }
    this.indexed(v, this.nameConstant());
  }

  /** index -> '[' expr ']' */
  private yindex(): Exp {
    this.ls.advance();
    const v = this.expr();
    this.exp2val(v);
    this.checkNext(93);
    return v;
  }

  private recField(cc: { t: Exp; nh: number }): void {
    const reg = this.fs.freereg;
    let key: Exp;
    if (this.tk() === T.NAME) {
      const t = this.ls.t;
      if (this.edits && t.sval === 'goto') this.edits.push({ start: t.start, end: t.end, text: '["goto"]' });
      key = this.nameConstant();
    } else {
      key = this.yindex();
    }
    cc.nh++;
    this.checkNext(61);
    this.exp2RK(key);
    const val = this.expr();
    this.exp2RK(val);
    this.fs.freereg = reg;
  }

  private constructor_(): Exp {
    const line = this.ls.linenumber;
    const t = newExp('reloc');
    this.exp2nextreg(t);
    const base = t.info;
    let v = newExp('void'); // last list item not yet stored
    let tostore = 0;
    const cc = { t, nh: 0 };
    this.checkNext(123);
    do {
      if (this.tk() === 125) break;
      // closelistfield
      if (v.k !== 'void') {
        this.exp2nextreg(v);
        v = newExp('void');
        if (tostore === LFIELDS_PER_FLUSH) {
          this.setList(base);
          tostore = 0;
        }
      }
      if (this.tk() === T.NAME) {
        this.ls.peek();
        if (this.ls.lookahead.token !== 61) {
          v = this.expr();
          tostore++;
        } else {
          this.recField(cc);
        }
      } else if (this.tk() === 91) {
        this.recField(cc);
      } else {
        v = this.expr();
        tostore++;
      }
    } while (this.testNext(44) || this.testNext(59));
    this.checkMatch(125, 123, line);
    // lastlistfield
    if (tostore !== 0) {
      if (hasMultRet(v.k)) this.setReturns(v);
      else if (v.k !== 'void') this.exp2nextreg(v);
      this.setList(base);
    }
    return t;
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
    this.reserveRegs(fs.nactvar);
  }

  private body(needself: boolean, line: number): Exp {
    const fs = newFuncState(this.fs, line);
    this.fs = fs;
    this.checkNext(40);
    if (needself) {
      this.newLocalVar('self', 0);
      this.adjustLocalVars(1);
    }
    this.parList();
    const paramsEnd = this.ls.t.end;
    const argInit = this.edits && fs.isVararg ? this.argTableInit() : null;
    this.checkNext(41);
    this.chunk();
    this.checkMatch(T.END, T.FUNCTION, line);
    this.fs = fs.prev!;
    // 5.1 gives vararg functions that never use `...` a local `arg` table;
    // inserted on the same line so debug line numbers are unchanged.
    if (argInit && fs.needsArg) this.edits!.push({ start: paramsEnd, end: paramsEnd, text: ` local arg=${argInit};` });
    return newExp('reloc'); // OP_CLOSURE
  }

  /** An expression building 5.1's `arg`, using a builtin the script has not shadowed. */
  private argTableInit(): string | null {
    if (this.isGlobalHere('select')) return "{n=select('#',...),...}";
    if (this.isGlobalHere('table')) return 'table.pack(...)';
    return null;
  }

  /** explist1 -> expr { ',' expr }; returns the last expression and the count. */
  private expList(): [Exp, number] {
    let n = 1;
    let v = this.expr();
    while (this.testNext(44)) {
      this.exp2nextreg(v);
      v = this.expr();
      n++;
    }
    return [v, n];
  }

  private funcArgs(f: Exp): void {
    const line = this.ls.linenumber;
    let args: Exp;
    switch (this.tk()) {
      case 40:
        if (line !== this.ls.lastline) this.ls.syntaxError('ambiguous syntax (function call x new statement)');
        this.ls.advance();
        if (this.tk() === 41) args = newExp('void');
        else {
          args = this.expList()[0];
          this.setReturns(args);
        }
        this.checkMatch(41, 40, line);
        break;
      case 123:
        args = this.constructor_();
        break;
      case T.STRING:
        args = newExp('k', this.stringK(this.ls.t.sval));
        this.ls.advance();
        break;
      default:
        return this.ls.syntaxError('function arguments expected');
    }
    const base = f.info;
    if (!hasMultRet(args.k) && args.k !== 'void') this.exp2nextreg(args);
    f.k = 'call';
    f.info = base;
    f.t = f.f = false;
    this.fs.freereg = base + 1;
  }

  /** prefixexp -> NAME | '(' expr ')' */
  private prefixExp(): Exp {
    if (this.tk() === 40) {
      const line = this.ls.linenumber;
      this.ls.advance();
      const v = this.expr();
      this.checkMatch(41, 40, line);
      this.dischargeVars(v);
      return v;
    }
    if (this.tk() === T.NAME) return this.singleVar();
    return this.ls.syntaxError('unexpected symbol');
  }

  private primaryExp(): Exp {
    const v = this.prefixExp();
    for (;;) {
      switch (this.tk()) {
        case 46:
          this.field(v, true);
          break;
        case 91: {
          this.exp2anyreg(v);
          this.indexed(v, this.yindex());
          break;
        }
        case 58: {
          this.ls.advance();
          this.self(v, this.nameConstant());
          this.funcArgs(v);
          break;
        }
        case 40:
        case T.STRING:
        case 123:
          this.exp2nextreg(v);
          this.funcArgs(v);
          break;
        default:
          return v;
      }
    }
  }

  private simpleExp(): Exp {
    let v: Exp;
    switch (this.tk()) {
      case T.NUMBER:
        v = newExp('knum');
        v.nval = this.ls.t.nval;
        break;
      case T.STRING:
        v = newExp('k', this.stringK(this.ls.t.sval));
        break;
      case T.NIL:
        v = newExp('nil');
        break;
      case T.TRUE:
        v = newExp('true');
        break;
      case T.FALSE:
        v = newExp('false');
        break;
      case T.DOTS:
        if (!this.fs.isVararg) this.ls.syntaxError("cannot use '...' outside a vararg function");
        this.fs.needsArg = false;
        v = newExp('vararg');
        break;
      case 123:
        return this.constructor_();
      case T.FUNCTION:
        this.ls.advance();
        return this.body(false, this.ls.linenumber);
      default:
        return this.primaryExp();
    }
    this.ls.advance();
    return v;
  }

  /** subexpr: fills `v`, returns the first binary operator token it did not consume. */
  private subExpr(v: Exp, limit: number): number {
    this.enterLevel();
    const uop = UNARY.get(this.tk());
    if (uop) {
      this.ls.advance();
      this.subExpr(v, UNARY_PRIORITY);
      this.prefix(uop, v);
    } else {
      Object.assign(v, this.simpleExp());
    }
    let op = this.tk();
    let bin = BINARY.get(op);
    while (bin && bin[1] > limit) {
      this.ls.advance();
      this.infix(bin[0], v);
      const v2 = newExp();
      const next = this.subExpr(v2, bin[2]);
      this.posfix(bin[0], v, v2);
      op = next;
      bin = BINARY.get(op);
    }
    this.leaveLevel();
    return op;
  }

  private expr(): Exp {
    const v = newExp();
    this.subExpr(v, 0);
    return v;
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

  /** A local about to be assigned that an earlier indexed target uses gets copied. */
  private checkConflict(lh: Lhs | null, v: Exp): void {
    const extra = this.fs.freereg;
    let conflict = false;
    for (; lh; lh = lh.prev) {
      if (lh.v.k !== 'indexed') continue;
      if (lh.v.info === v.info) {
        conflict = true;
        lh.v.info = extra;
      }
      if (lh.v.aux === v.info) {
        conflict = true;
        lh.v.aux = extra;
      }
    }
    if (conflict) this.reserveRegs(1);
  }

  private assignment(lh: Lhs, nvars: number): void {
    const k = lh.v.k;
    if (k !== 'local' && k !== 'upval' && k !== 'global' && k !== 'indexed') this.ls.syntaxError('syntax error');
    if (this.testNext(44)) {
      const nv: Lhs = { prev: lh, v: this.primaryExp() };
      if (nv.v.k === 'local') this.checkConflict(lh, nv.v);
      if (nvars > MAXCCALLS - this.nCcalls) this.errorLimit(this.fs, MAXCCALLS - this.nCcalls, 'variables in assignment');
      this.assignment(nv, nvars + 1);
    } else {
      this.checkNext(61);
      const [e, nexps] = this.expList();
      if (nexps !== nvars) {
        this.adjustAssign(nvars, nexps, e);
        if (nexps > nvars) this.fs.freereg -= nexps - nvars;
      } else {
        this.setOneRet(e);
        this.storeVar(lh.v, e);
        return;
      }
    }
    this.storeVar(lh.v, newExp('nonreloc', this.fs.freereg - 1));
  }

  private cond(): void {
    const v = this.expr();
    if (v.k === 'nil') v.k = 'false';
    this.goIfTrue(v);
  }

  private breakStat(): void {
    let bl = this.fs.bl;
    while (bl && !bl.isbreakable) bl = bl.previous;
    if (!bl) this.ls.syntaxError('no loop to break');
  }

  private whileStat(line: number): void {
    this.ls.advance();
    this.cond();
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
    this.cond();
    this.leaveBlock();
    this.leaveBlock();
  }

  private exp1(): void {
    this.exp2nextreg(this.expr());
  }

  private forBody(nvars: number): void {
    this.adjustLocalVars(3);
    this.checkNext(T.DO);
    this.enterBlock(false);
    this.adjustLocalVars(nvars);
    this.reserveRegs(nvars);
    this.block();
    this.leaveBlock();
  }

  private forNum(varname: string): void {
    this.newLocalVar('(for index)', 0);
    this.newLocalVar('(for limit)', 1);
    this.newLocalVar('(for step)', 2);
    this.newLocalVar(varname, 3);
    this.checkNext(61);
    this.exp1();
    this.checkNext(44);
    this.exp1();
    if (this.testNext(44)) this.exp1();
    else {
      this.numberK(1);
      this.reserveRegs(1);
    }
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
    const [e, n] = this.expList();
    this.adjustAssign(3, n, e);
    this.checkStack(3);
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
    this.cond();
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
    const v = newExp('local', this.fs.freereg);
    this.reserveRegs(1);
    this.adjustLocalVars(1);
    const b = this.body(false, this.ls.linenumber);
    this.storeVar(v, b);
  }

  private localStat(): void {
    let nvars = 0;
    do this.newLocalVar(this.checkName(true), nvars++);
    while (this.testNext(44));
    let e = newExp('void');
    let nexps = 0;
    if (this.testNext(61)) [e, nexps] = this.expList();
    this.adjustAssign(nvars, nexps, e);
    this.adjustLocalVars(nvars);
  }

  private funcStat(line: number): void {
    this.ls.advance();
    const v = this.singleVar();
    let needself = false;
    while (this.tk() === 46) this.field(v, false);
    if (this.tk() === 58) {
      needself = true;
      this.field(v, false);
    }
    const b = this.body(needself, line);
    this.storeVar(v, b);
  }

  private exprStat(): void {
    const v = this.primaryExp();
    if (v.k !== 'call') this.assignment({ prev: null, v }, 1);
  }

  private retStat(): void {
    this.ls.advance();
    if (this.blockFollow() || this.tk() === 59) return;
    const [e, nret] = this.expList();
    if (hasMultRet(e.k)) this.setReturns(e);
    else if (nret === 1) this.exp2anyreg(e);
    else this.exp2nextreg(e);
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
      this.fs.freereg = this.fs.nactvar;
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
  // Edits never overlap; an insertion sorts before a replacement at its offset.
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(source.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(source.slice(at));
  return parts.join('');
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
