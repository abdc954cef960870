/**
 * LOLWUT (lolwut.c, lolwut5.c, lolwut6.c). Versions 5 and 6 draw with C's rand();
 * redsim draws from the seeded random source, so the drawings are Redis's shapes
 * with different random offsets (identical where the art uses no randomness, e.g.
 * version 5 with at most two rows of squares). Single-precision float maths as in C.
 */
import { registerAll } from '../registry.js';
import { E, err, verbatim, type Reply } from '../../reply.js';
import { parseLongLong } from '../../util/float.js';
import type { RandomSource } from '../../random.js';

const VERSION = '7.0.15';
const f = Math.fround;
const RAND_MAX = 2147483647;
const crand = (r: RandomSource): number => r.int(RAND_MAX + 1);

class Canvas {
  readonly px: Uint8Array;
  constructor(readonly width: number, readonly height: number, bg: number) { this.px = new Uint8Array(width * height).fill(bg); }
  set(x: number, y: number, c: number): void { if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.px[x + y * this.width] = c; }
  get(x: number, y: number): number { return x >= 0 && x < this.width && y >= 0 && y < this.height ? this.px[x + y * this.width] : 0; }
  line(x1: number, y1: number, x2: number, y2: number, c: number): void {
    const dx = Math.abs(x2 - x1), dy = Math.abs(y2 - y1);
    const sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    let e = dx - dy;
    for (;;) {
      this.set(x1, y1, c);
      if (x1 === x2 && y1 === y2) break;
      const e2 = e * 2;
      if (e2 > -dy) { e -= dy; x1 += sx; }
      if (e2 < dx) { e += dx; y1 += sy; }
    }
  }
  square(x: number, y: number, size: number, angle: number, c: number): void {
    size = f(size / 1.4142135623);
    size = f(cround(size));
    const px: number[] = [], py: number[] = [];
    let k = f(Math.PI / 4 + angle);
    for (let j = 0; j < 4; j++) {
      px.push(cround(Math.sin(k) * size + x));
      py.push(cround(Math.cos(k) * size + y));
      k = f(k + Math.PI / 2);
    }
    for (let j = 0; j < 4; j++) this.line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], c);
  }
}

/** C's round(): halves away from zero. */
function cround(x: number): number { return x < 0 ? -Math.round(-x) : Math.round(x); }

function schotter(cols: number, perRow: number, perCol: number, rnd: RandomSource): Canvas {
  const width = cols * 2;
  const padding = width > 4 ? 2 : 0;
  const side = f((width - padding * 2) / perRow);
  const height = Math.trunc(f(side * perCol) + padding * 2);
  const cv = new Canvas(width, height, 0);
  for (let y = 0; y < perCol; y++) {
    for (let x = 0; x < perRow; x++) {
      let sx = Math.trunc(f(f(f(x * side) + f(side / 2)) + padding));
      let sy = Math.trunc(f(f(f(y * side) + f(side / 2)) + padding));
      let angle = 0;
      if (y > 1) {
        let r1 = f(f(f(f(crand(rnd)) / f(RAND_MAX)) / perCol) * y);
        let r2 = f(f(f(f(crand(rnd)) / f(RAND_MAX)) / perCol) * y);
        let r3 = f(f(f(f(crand(rnd)) / f(RAND_MAX)) / perCol) * y);
        if (crand(rnd) % 2) r1 = -r1;
        if (crand(rnd) % 2) r2 = -r2;
        if (crand(rnd) % 2) r3 = -r3;
        angle = r1;
        sx = Math.trunc(f(sx + f(f(r2 * side) / 3)));
        sy = Math.trunc(f(sy + f(f(r3 * side) / 3)));
      }
      cv.square(sx, sy, side, angle, 1);
    }
  }
  return cv;
}

function renderBraille(cv: Canvas): string {
  let out = '';
  for (let y = 0; y < cv.height; y += 4) {
    for (let x = 0; x < cv.width; x += 2) {
      let b = 0;
      if (cv.get(x, y)) b |= 1;
      if (cv.get(x, y + 1)) b |= 2;
      if (cv.get(x, y + 2)) b |= 4;
      if (cv.get(x + 1, y)) b |= 8;
      if (cv.get(x + 1, y + 1)) b |= 16;
      if (cv.get(x + 1, y + 2)) b |= 32;
      if (cv.get(x, y + 3)) b |= 64;
      if (cv.get(x + 1, y + 3)) b |= 128;
      const code = 0x2800 + b;
      out += String.fromCharCode(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    }
    if (y !== cv.height - 1) out += '\n';
  }
  return out;
}

function skyscraper(cv: Canvas, s: { xoff: number; width: number; height: number; windows: boolean; color: number }, rnd: RandomSource): void {
  const starty = cv.height - 1;
  const endy = starty - s.height + 1;
  for (let y = starty; y >= endy; y--) {
    for (let x = s.xoff; x < s.xoff + s.width; x++) {
      if (y === endy && (x <= s.xoff + 1 || x >= s.xoff + s.width - 2)) continue;
      let color = s.color;
      if (s.windows && x > s.xoff + 1 && x < s.xoff + s.width - 2 && y > endy + 1 && y < starty - 1) {
        const relx = x - (s.xoff + 1);
        const rely = y - (endy + 1);
        if (Math.trunc(relx / 2) % 2 && rely % 2) {
          do color = 1 + crand(rnd) % 2; while (color === s.color);
          if (relx % 2) color = cv.get(x - 1, y);
        }
      }
      cv.set(x, y, color);
    }
  }
}

function skyline(cv: Canvas, rnd: RandomSource): void {
  const h = cv.height;
  for (let color = 2; color >= 1; color--) {
    for (let offset = -10; offset < cv.width;) {
      offset += crand(rnd) % 8;
      const width = 10 + crand(rnd) % 9;
      const height = color === 2 ? Math.trunc(h / 2) + Math.trunc((crand(rnd) % h) / 2) : Math.trunc(h / 2) + Math.trunc((crand(rnd) % h) / 3);
      skyscraper(cv, { xoff: offset, width, height, windows: false, color }, rnd);
      offset += color === 2 ? Math.trunc(width / 2) : width + 1;
    }
  }
  for (let offset = -10; offset < cv.width;) {
    offset += crand(rnd) % 8;
    let width = 5 + crand(rnd) % 14;
    if (width % 4) width += width % 3;
    const height = Math.trunc(h / 3) + Math.trunc((crand(rnd) % h) / 2);
    skyscraper(cv, { xoff: offset, width, height, windows: true, color: 0 }, rnd);
    offset += width + 5;
  }
}

function renderAnsi(cv: Canvas): string {
  const esc = ['0;30;40m', '0;90;100m', '0;37;47m', '0;97;107m'];
  let out = '';
  for (let y = 0; y < cv.height; y++) {
    for (let x = 0; x < cv.width; x++) out += `\x1b[${esc[cv.get(x, y)] ?? esc[0]} \x1b[0m`;
    if (y !== cv.height - 1) out += '\n';
  }
  return out;
}

/** getLongFromObjectOrReply for the optional numeric arguments. */
function longs(args: string[], defaults: number[]): number[] | Reply {
  const out = defaults.slice();
  for (let i = 0; i < defaults.length && i < args.length; i++) {
    const n = parseLongLong(args[i]);
    if (n === null) return err(E.NOT_INT);
    out[i] = Number(n);
  }
  return out;
}
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

registerAll({
  lolwut(ctx, argv) {
    let v = VERSION;
    let args = argv.slice(1);
    if (argv.length >= 3 && argv[1].toLowerCase() === 'version') {
      const n = parseLongLong(argv[2]);
      if (n === null) return err(E.NOT_INT);
      v = `${Number(BigInt.asUintN(32, n))}.0.0`;
      args = argv.slice(3);
    }
    if ((v[0] === '5' && v[1] === '.' && v[2] !== '9') || (v[0] === '4' && v[1] === '.' && v[2] === '9')) {
      const a = longs(args, [66, 8, 12]);
      if (!Array.isArray(a)) return a;
      const cv = schotter(clamp(a[0], 1, 1000), clamp(a[1], 1, 200), clamp(a[2], 1, 200), ctx.server.random);
      return verbatim(`${renderBraille(cv)}\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ${VERSION}\n`);
    }
    if ((v[0] === '6' && v[1] === '.' && v[2] !== '9') || (v[0] === '5' && v[1] === '.' && v[2] === '9')) {
      const a = longs(args, [80, 20]);
      if (!Array.isArray(a)) return a;
      const cv = new Canvas(clamp(a[0], 1, 1000), clamp(a[1], 1, 1000), 3);
      skyline(cv, ctx.server.random);
      return verbatim(`${renderAnsi(cv)}\nDedicated to the 8 bit game developers of past and present.\nOriginal 8 bit image from Plaguemon by hikikomori. Redis ver. ${VERSION}\n`);
    }
    return verbatim(`Redis ver. ${VERSION}\n`);
  },
});
