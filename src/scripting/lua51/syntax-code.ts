/**
 * The part of Lua 5.1's code generator (lcode.c) that can fail a compile:
 * register allocation ("function or expression too complex" past 250 stack
 * slots) and the constant table that decides whether an operand needs a
 * register. No instructions are produced; expression descriptors keep just
 * what register accounting depends on (kind, register, RK constant index,
 * whether true/false jump lists are pending, and the opcode of a relocatable
 * result when it changes later decisions: NOT and CONCAT).
 */
import type { Lexer } from './syntax-lex.js';

const MAXSTACK = 250;
const MAXINDEXRK = 255; // constants above this index cannot be RK operands
const BITRK = 256; // RK operand flag: value is a constant index
const LFIELDS_PER_FLUSH = 50;

export type Kind =
  | 'void' | 'nil' | 'true' | 'false' | 'k' | 'knum'
  | 'local' | 'upval' | 'global' | 'indexed'
  | 'jmp' | 'reloc' | 'nonreloc' | 'call' | 'vararg';

export interface Exp {
  k: Kind;
  info: number; // register, constant index, or base register of a call
  aux: number; // indexed: key as RK operand
  nval: number; // knum value
  t: boolean; // pending "exit when true" jumps
  f: boolean; // pending "exit when false" jumps
  op: 'not' | 'concat' | 'other'; // reloc: producing opcode
}

export const newExp = (k: Kind = 'void', info = 0): Exp => ({ k, info, aux: 0, nval: 0, t: false, f: false, op: 'other' });

export interface Block {
  previous: Block | null;
  nactvar: number;
  isbreakable: boolean;
}

export interface Upval {
  k: 'local' | 'upval';
  info: number;
}

export interface FuncState {
  prev: FuncState | null;
  linedefined: number;
  isVararg: boolean;
  needsArg: boolean; // LUA_COMPAT_VARARG: `arg` table created unless `...` is used
  actvar: string[]; // local names by register; slots >= nactvar are pending
  nactvar: number;
  upvalues: Upval[];
  bl: Block | null;
  freereg: number;
  consts: Map<string, number>;
}

export function newFuncState(prev: FuncState | null, line: number): FuncState {
  return {
    prev, linedefined: line, isVararg: false, needsArg: false, actvar: [], nactvar: 0,
    upvalues: [], bl: null, freereg: 0, consts: new Map(),
  };
}

const isK = (x: number): boolean => (x & BITRK) !== 0;
const hasJumps = (e: Exp): boolean => e.t || e.f;
const isNumeral = (e: Exp): boolean => e.k === 'knum' && !e.t && !e.f;
export const hasMultRet = (k: Kind): boolean => k === 'call' || k === 'vararg';

export type ArithOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'pow' | 'unm' | 'len' | 'concat';

/** Register and constant bookkeeping for the current function, as lcode.c does it. */
export class CodeState {
  fs!: FuncState;

  constructor(protected readonly ls: Lexer) {}

  checkStack(n: number): void {
    if (this.fs.freereg + n >= MAXSTACK) this.ls.syntaxError('function or expression too complex');
  }

  reserveRegs(n: number): void {
    this.checkStack(n);
    this.fs.freereg += n;
  }

  private freeReg(reg: number): void {
    if (!isK(reg) && reg >= this.fs.nactvar) this.fs.freereg--;
  }

  freeExp(e: Exp): void {
    if (e.k === 'nonreloc') this.freeReg(e.info);
  }

  private addK(key: string): number {
    const c = this.fs.consts;
    let i = c.get(key);
    if (i === undefined) {
      i = c.size;
      c.set(key, i);
    }
    return i;
  }

  stringK(s: string): number {
    return this.addK('s' + s);
  }

  numberK(n: number): number {
    return this.addK('n' + (n === 0 ? 0 : n)); // 0 and -0 are one table key
  }

  setReturns(e: Exp): void {
    if (e.k === 'vararg') this.reserveRegs(1);
  }

  setOneRet(e: Exp): void {
    if (e.k === 'call') e.k = 'nonreloc'; // info already holds the call's base
    else if (e.k === 'vararg') {
      e.k = 'reloc';
      e.op = 'other';
    }
  }

  dischargeVars(e: Exp): void {
    switch (e.k) {
      case 'local':
        e.k = 'nonreloc';
        break;
      case 'upval':
      case 'global':
        e.k = 'reloc';
        e.op = 'other';
        break;
      case 'indexed':
        this.freeReg(e.aux);
        this.freeReg(e.info);
        e.k = 'reloc';
        e.op = 'other';
        break;
      case 'vararg':
      case 'call':
        this.setOneRet(e);
        break;
      default:
    }
  }

  private discharge2reg(e: Exp, reg: number): void {
    this.dischargeVars(e);
    switch (e.k) {
      case 'knum':
        this.numberK(e.nval);
        break;
      case 'nil': case 'false': case 'true': case 'k': case 'reloc': case 'nonreloc':
        break;
      default:
        return; // void or jmp
    }
    e.info = reg;
    e.k = 'nonreloc';
  }

  private discharge2anyreg(e: Exp): void {
    if (e.k !== 'nonreloc') {
      this.reserveRegs(1);
      this.discharge2reg(e, this.fs.freereg - 1);
    }
  }

  private exp2reg(e: Exp, reg: number): void {
    this.discharge2reg(e, reg);
    e.t = e.f = false; // value materialised in reg
    e.info = reg;
    e.k = 'nonreloc';
  }

  exp2nextreg(e: Exp): void {
    this.dischargeVars(e);
    this.freeExp(e);
    this.reserveRegs(1);
    this.exp2reg(e, this.fs.freereg - 1);
  }

  exp2anyreg(e: Exp): number {
    this.dischargeVars(e);
    if (e.k === 'nonreloc') {
      if (!hasJumps(e)) return e.info;
      if (e.info >= this.fs.nactvar) {
        this.exp2reg(e, e.info);
        return e.info;
      }
    }
    this.exp2nextreg(e);
    return e.info;
  }

  exp2val(e: Exp): void {
    if (hasJumps(e)) this.exp2anyreg(e);
    else this.dischargeVars(e);
  }

  exp2RK(e: Exp): number {
    this.exp2val(e);
    switch (e.k) {
      case 'knum': case 'true': case 'false': case 'nil':
        if (this.fs.consts.size <= MAXINDEXRK) {
          e.info = e.k === 'nil' ? this.addK('nil') : e.k === 'knum' ? this.numberK(e.nval) : this.addK(e.k);
          e.k = 'k';
          return e.info | BITRK;
        }
        break;
      case 'k':
        if (e.info <= MAXINDEXRK) return e.info | BITRK;
        break;
      default:
    }
    return this.exp2anyreg(e);
  }

  storeVar(v: Exp, ex: Exp): void {
    switch (v.k) {
      case 'local':
        this.freeExp(ex);
        this.exp2reg(ex, v.info);
        return;
      case 'upval':
      case 'global':
        this.exp2anyreg(ex);
        break;
      case 'indexed':
        this.exp2RK(ex);
        break;
      default:
    }
    this.freeExp(ex);
  }

  self(e: Exp, key: Exp): void {
    this.exp2anyreg(e);
    this.freeExp(e);
    const func = this.fs.freereg;
    this.reserveRegs(2);
    this.exp2RK(key);
    this.freeExp(key);
    e.info = func;
    e.k = 'nonreloc';
  }

  private jumpOnCond(e: Exp): void {
    if (e.k === 'reloc' && e.op === 'not') return; // TEST on NOT's operand: no register
    this.discharge2anyreg(e);
    this.freeExp(e);
  }

  goIfTrue(e: Exp): void {
    this.dischargeVars(e);
    let jump: boolean;
    switch (e.k) {
      case 'k': case 'knum': case 'true':
        jump = false;
        break;
      case 'jmp':
        jump = true;
        break;
      default:
        this.jumpOnCond(e);
        jump = true;
    }
    e.f ||= jump;
    e.t = false;
  }

  goIfFalse(e: Exp): void {
    this.dischargeVars(e);
    let jump: boolean;
    switch (e.k) {
      case 'nil': case 'false':
        jump = false;
        break;
      case 'jmp':
        jump = true;
        break;
      default:
        this.jumpOnCond(e);
        jump = true;
    }
    e.t ||= jump;
    e.f = false;
  }

  private codeNot(e: Exp): void {
    this.dischargeVars(e);
    switch (e.k) {
      case 'nil': case 'false':
        e.k = 'true';
        break;
      case 'k': case 'knum': case 'true':
        e.k = 'false';
        break;
      case 'reloc':
      case 'nonreloc':
        this.discharge2anyreg(e);
        this.freeExp(e);
        e.k = 'reloc';
        e.op = 'not';
        break;
      default: // jmp: condition inverted in place
    }
    [e.t, e.f] = [e.f, e.t];
  }

  indexed(t: Exp, k: Exp): void {
    t.aux = this.exp2RK(k);
    t.k = 'indexed';
  }

  private constFolding(op: ArithOp, e1: Exp, e2: Exp): boolean {
    if (!isNumeral(e1) || !isNumeral(e2)) return false;
    const a = e1.nval;
    const b = e2.nval;
    let r: number;
    switch (op) {
      case 'add': r = a + b; break;
      case 'sub': r = a - b; break;
      case 'mul': r = a * b; break;
      case 'div': if (b === 0) return false; r = a / b; break;
      case 'mod': if (b === 0) return false; r = a - Math.floor(a / b) * b; break;
      case 'pow': r = a ** b; break;
      case 'unm': r = -a; break;
      default: return false;
    }
    if (Number.isNaN(r)) return false;
    e1.nval = r;
    return true;
  }

  private codeArith(op: ArithOp, e1: Exp, e2: Exp): void {
    if (this.constFolding(op, e1, e2)) return;
    if (op !== 'unm' && op !== 'len') this.exp2RK(e2);
    this.exp2RK(e1);
    this.freeExp(e2);
    this.freeExp(e1);
    e1.k = 'reloc';
    e1.op = op === 'concat' ? 'concat' : 'other';
  }

  private codeComp(e1: Exp, e2: Exp): void {
    this.exp2RK(e1);
    this.exp2RK(e2);
    this.freeExp(e2);
    this.freeExp(e1);
    e1.k = 'jmp';
  }

  prefix(op: 'not' | 'unm' | 'len', e: Exp): void {
    const zero = newExp('knum');
    if (op === 'not') this.codeNot(e);
    else {
      if (op === 'len' || !isNumeral(e)) this.exp2anyreg(e);
      this.codeArith(op, e, zero);
    }
  }

  infix(op: string, v: Exp): void {
    switch (op) {
      case 'and': this.goIfTrue(v); break;
      case 'or': this.goIfFalse(v); break;
      case 'concat': this.exp2nextreg(v); break;
      case 'add': case 'sub': case 'mul': case 'div': case 'mod': case 'pow':
        if (!isNumeral(v)) this.exp2RK(v);
        break;
      default: this.exp2RK(v);
    }
  }

  posfix(op: string, e1: Exp, e2: Exp): void {
    switch (op) {
      case 'and':
        this.dischargeVars(e2);
        e2.f ||= e1.f;
        Object.assign(e1, e2);
        break;
      case 'or':
        this.dischargeVars(e2);
        e2.t ||= e1.t;
        Object.assign(e1, e2);
        break;
      case 'concat':
        this.exp2val(e2);
        if (e2.k === 'reloc' && e2.op === 'concat') {
          this.freeExp(e1); // merged into e2's CONCAT range
          e1.k = 'reloc';
          e1.op = 'concat';
        } else {
          this.exp2nextreg(e2);
          this.codeArith('concat', e1, e2);
        }
        break;
      case 'add': case 'sub': case 'mul': case 'div': case 'mod': case 'pow':
        this.codeArith(op, e1, e2);
        break;
      default:
        this.codeComp(e1, e2);
    }
  }

  /** adjust_assign in lparser.c. */
  adjustAssign(nvars: number, nexps: number, e: Exp): void {
    let extra = nvars - nexps;
    if (hasMultRet(e.k)) {
      extra++;
      if (extra < 0) extra = 0;
      this.setReturns(e);
      if (extra > 1) this.reserveRegs(extra - 1);
    } else {
      if (e.k !== 'void') this.exp2nextreg(e);
      if (extra > 0) this.reserveRegs(extra);
    }
  }

  /** OP_SETLIST frees the list's registers. */
  setList(base: number): void {
    this.fs.freereg = base + 1;
  }
}

export { LFIELDS_PER_FLUSH };
