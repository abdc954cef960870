import { describe, expect, it } from 'vitest';
import {
  d2string,
  exactDecimal,
  formatDouble,
  formatDoubleResp3,
  formatFixedPoint,
  formatG,
  formatLongLong,
  parseDouble,
  parseDoubleLoose,
  parseLongLong,
  parseLongLongNum,
  strtod,
} from '../../src/util/float.js';

// Expected values below were captured from redis-server 7.0.15 (replies) and from glibc
// (printf/strtod on the same x86-64 host) -- see each table's comment.

// [score argument, ZSCORE reply (%.17g), Lua tostring(tonumber(arg)) (%.14g)] from redis 7.0.15
const ZSCORE_LUA: Array<[string, string, string]> = [
  ["0.1","0.10000000000000001","0.1"],
  ["0.3333333333333333","0.33333333333333331","0.33333333333333"],
  ["1e21","1e+21","1e+21"],
  ["1.5e-7","1.4999999999999999e-07","1.5e-07"],
  ["123456789012345678","1.2345678901234568e+17","1.2345678901235e+17"],
  ["inf","inf","inf"],
  ["-inf","-inf","-inf"],
  ["1e17","1e+17","1e+17"],
  ["1e16","10000000000000000","1e+16"],
  ["99999999999999999","1e+17","1e+17"],
  ["5e-324","4.9406564584124654e-324","4.9406564584125e-324"],
  ["1.7976931348623157e308","1.7976931348623157e+308","1.7976931348623e+308"],
  ["9007199254740993","9007199254740992","9.007199254741e+15"],
  ["4611686018427387904","4.6116860184273879e+18","4.6116860184274e+18"],
  ["9223372036854775808","9.2233720368547758e+18","9.2233720368548e+18"],
  ["1234567890123456.25","1234567890123456.2","1.2345678901235e+15"],
  ["1234567890123456.75","1234567890123456.8","1.2345678901235e+15"],
  ["123456789012345","123456789012345","1.2345678901234e+14"],
  ["999999999999995","999999999999995","1e+15"],
  ["0.000123456789012345678","0.00012345678901234567","0.00012345678901235"],
  ["0.0001","0.0001","0.0001"],
  ["0.00001","1.0000000000000001e-05","1e-05"],
  ["1e-5","1.0000000000000001e-05","1e-05"],
  ["100","100","100"],
  ["-2.5","-2.5","-2.5"],
  ["3.0e3","3000","3000"],
  ["0x10","16","16"],
  ["2.2250738585072014e-308","2.2250738585072014e-308","2.2250738585072e-308"],
  ["4.9406564584124654e-324","4.9406564584124654e-324","4.9406564584125e-324"],
  ["0.30000000000000004","0.30000000000000004","0.3"],
  ["1e22","1e+22","1e+22"],
  ["1e23","9.9999999999999992e+22","1e+23"],
  ["-1e-7","-9.9999999999999995e-08","-1e-07"],
  ["12345678.9","12345678.9","12345678.9"],
  ["0.5","0.5","0.5"],
  ["1.1","1.1000000000000001","1.1"],
  ["2.675","2.6749999999999998","2.675"],
  ["1e100","1e+100","1e+100"],
  ["65536.125","65536.125","65536.125"],
  ["-0.0001234","-0.00012339999999999999","-0.0001234"],
  ["1.1501719438485787e-19","1.1501719438485787e-19","1.1501719438486e-19"],
  ["-2.194406071212143e-16","-2.194406071212143e-16","-2.1944060712121e-16"],
  ["213338406256641.75","213338406256641.75","2.1333840625664e+14"],
  ["563999238051475","563999238051475","5.6399923805148e+14"],
  ["-1.1202920469734937e-251","-1.1202920469734937e-251","-1.1202920469735e-251"],
  ["-2.389508557971567e+21","-2.3895085579715671e+21","-2.3895085579716e+21"],
  ["849901674823681.2","849901674823681.25","8.4990167482368e+14"],
  ["0.000370828750357035","0.00037082875035703499","0.00037082875035703"],
  ["-1.226952233170461e+248","-1.226952233170461e+248","-1.2269522331705e+248"],
  ["1153894024901092","1153894024901092","1.1538940249011e+15"],
  ["160857461358593.25","160857461358593.25","1.6085746135859e+14"],
  ["5237702017650.05","5237702017650.0498","5237702017650"],
  ["3.6508166444383443e+65","3.6508166444383443e+65","3.6508166444383e+65"],
  ["-1.0416222154162824e-21","-1.0416222154162824e-21","-1.0416222154163e-21"],
  ["219508821458945.25","219508821458945.25","2.1950882145895e+14"],
  ["4751.47876888515","4751.4787688851502","4751.4787688852"],
  ["2.252816790048672e-235","2.2528167900486721e-235","2.2528167900487e-235"],
  ["10568968951702118000","1.0568968951702118e+19","1.0568968951702e+19"],
  ["785287910522881.2","785287910522881.25","7.8528791052288e+14"],
  ["0.000898884555883715","0.000898884555883715","0.00089888455588372"],
  ["-1.3465803350713785e-252","-1.3465803350713785e-252","-1.3465803350714e-252"],
  ["-50837500486522910000","-5.0837500486522913e+19","-5.0837500486523e+19"],
  ["742432900382721.2","742432900382721.25","7.4243290038272e+14"],
  ["63904087729752.5","63904087729752.5","63904087729752"],
  ["1.0361230033965234e-36","1.0361230033965234e-36","1.0361230033965e-36"],
  ["3.2566491328179836","3.2566491328179836","3.256649132818"],
  ["193100567019521.25","193100567019521.25","1.9310056701952e+14"],
  ["500.368773192175","500.36877319217501","500.36877319218"],
  ["-4.97674179392055e+199","-4.9767417939205503e+199","-4.9767417939206e+199"],
  ["-105.76279344968498","-105.76279344968498","-105.76279344968"],
  ["148776588148737.75","148776588148737.75","1.4877658814874e+14"],
  ["75.1851159520455","75.185115952045507","75.185115952046"],
  ["1.0296094406122496e-50","1.0296094406122496e-50","1.0296094406122e-50"],
  ["-3945012.5070288777","-3945012.5070288777","-3945012.5070289"],
  ["408075832655873.25","408075832655873.25","4.0807583265587e+14"],
  ["39755688216.5375","39755688216.537498","39755688216.537"],
  ["-1.0248798901206392e-101","-1.0248798901206392e-101","-1.0248798901206e-101"],
  ["4.813807744067162e+22","4.813807744067162e+22","4.8138077440672e+22"],
  ["97274294173697.25","97274294173697.25","97274294173697"],
  ["88288631.4950895","88288631.495089501","88288631.49509"],
];

// [double, precision, glibc printf("%.*g")]
const GLIBC_G: Array<[string, number, string]> = [
  ["3990.2112805070337",1,"4e+03"],
  ["0.5",2,"0.5"],
  ["-464838.6600892991",3,"-4.65e+05"],
  ["2.288497983698014e-52",6,"2.2885e-52"],
  ["0.5",10,"0.5"],
  ["0.0037735574040561916",15,"0.00377355740405619"],
  ["9.727780377894143e-79",16,"9.727780377894143e-79"],
  ["1.5",20,"1.5"],
  ["0.00046155940787866715",25,"0.0004615594078786671512933115"],
  ["1.836969339979022e+231",30,"1.83696933997902195743536996889e+231"],
  ["0.000025",1,"3e-05"],
  ["0.0004066821795422584",2,"0.00041"],
  ["4.666701745809653e-305",3,"4.67e-305"],
  ["1.5",6,"1.5"],
  ["-265185039024800.06",10,"-2.65185039e+14"],
  ["1.413587765434421e+277",15,"1.41358776543442e+277"],
  ["0.000025",16,"2.5e-05"],
  ["-3446751115843653.5",20,"-3446751115843653.5"],
  ["2.039413526803693e+295",25,"2.039413526803693028449883e+295"],
  ["1.5",30,"1.5"],
  ["-2.1636116527952253e+21",1,"-2e+21"],
  ["1.6247846170360638e-27",2,"1.6e-27"],
  ["2.5",3,"2.5"],
  ["2.4416598421521485e+21",6,"2.44166e+21"],
  ["1.103185597374454e-169",10,"1.103185597e-169"],
  ["0.375",15,"0.375"],
  ["11411.4785566926",16,"11411.4785566926"],
  ["2.6796940986061936e-99",20,"2.6796940986061936302e-99"],
  ["123456.5",25,"123456.5"],
  ["0.39977871417067945",30,"0.399778714170679450035095214844"],
  ["1.3707669245797704e-130",1,"1e-130"],
  ["0.000025",2,"2.5e-05"],
  ["7239280780.777335",3,"7.24e+09"],
  ["4.277362641139874e+222",6,"4.27736e+222"],
  ["0.000025",10,"2.5e-05"],
  ["-3239027925301343",15,"-3.23902792530134e+15"],
  ["4.72614490243004e-24",16,"4.72614490243004e-24"],
  ["123456.5",20,"123456.5"],
  ["6.6368905128911135e-9",25,"6.636890512891113512934647e-09"],
  ["6.512117251530664e-82",30,"6.51211725153066440093202792008e-82"],
];

// [input, bits of the double, end offset, errno==ERANGE] from glibc strtod
const GLIBC_STRTOD: Array<[string, string, number, boolean]> = [
  ["inf","7ff0000000000000",3,false],
  ["-Infinity","fff0000000000000",9,false],
  ["infinit","7ff0000000000000",3,false],
  ["nan(abc)","7ff8000000000000",8,false],
  ["nan(a","7ff8000000000000",3,false],
  ["0x","0000000000000000",1,false],
  ["0x1p","3ff0000000000000",3,false],
  ["0x1p-1074","0000000000000001",9,false],
  ["0x1p-1075","0000000000000000",9,true],
  ["0x3p-1076","0000000000000001",9,true],
  ["1e","3ff0000000000000",1,false],
  ["1e+","3ff0000000000000",1,false],
  [".e1","0000000000000000",0,false],
  ["5.","4014000000000000",2,false],
  ["1.5e3x","4097700000000000",5,false],
  ["1e-310","000012688b70e62b",6,true],
  ["2.4703282292062328e-324","0000000000000001",23,true],
  ["2.4703282292062327e-324","0000000000000000",23,true],
  ["1.7976931348623158e308","7fefffffffffffff",22,false],
  ["1.7976931348623159e308","7ff0000000000000",22,true],
  ["0e999999999999","0000000000000000",14,false],
  ["1e-99999999999999","0000000000000000",17,true],
  [" 12","4028000000000000",3,false],
  ["   -3.5x","c00c000000000000",7,false],
  ["","0000000000000000",0,false],
  ["-","0000000000000000",0,false],
  ["0x1.8p3","4028000000000000",7,false],
  ["0x.8","3fe0000000000000",4,false],
  ["+.5e-3","3f40624dd2f1a9fc",6,false],
  ["1e400","7ff0000000000000",5,true],
];

// ZADD key <arg> m: accepted (-> ZSCORE reply) or "ERR value is not a valid float" (null).
const ZADD_ACCEPT: Array<[string, string | null]> = [
  ['0x10', '16'], [' 1', null], ['1 ', null], ['nan', null], ['inf', 'inf'], ['+inf', 'inf'], ['-inf', '-inf'],
  ['Infinity', 'inf'], ['-infinity', '-inf'], ['INF', 'inf'], ['infinit', null], ['1e400', null], ['1e-400', null],
  ['4e-320', '3.999955468730732e-320'], ['0x1p-1080', null], ['0x1.8p3', '12'], ['0x', null], ['', null], ['.', null],
  ['5.', '5'], ['.5', '0.5'], ['+.5e-3', '0.00050000000000000001'], ['1e', null], ['1e+', null], ['0x1P+3', '8'],
  ['nan(123)', null], ['0x.8', '0.5'], ['1_0', null], ['0x1p', null], ['1.5E3', '1500'], ['1,5', null], ['1\0', null],
];

// ZRANGEBYSCORE bounds (zslParseRange: bare strtod). null = "ERR min or max is not a float".
const RANGE_BOUND: Array<[string, number | null]> = [
  ['', 0], [' 1', 1], ['1e400', Infinity], ['nan', null], ['0x1', 1], ['1 ', null], ['-inf', -Infinity],
  ['+inf', Infinity], ['1e-400', 0], ['5\0xyz', 5], ['\0', 0], ['5\x01', null],
];

// INCRBY argument (string2ll): accepted or "ERR value is not an integer or out of range".
const STRING2LL: Array<[string, bigint | null]> = [
  ['-0', null], ['00', null], ['+1', null], [' 1', null], ['9223372036854775807', 9223372036854775807n],
  ['9223372036854775808', null], ['-9223372036854775808', -9223372036854775808n], ['-9223372036854775809', null],
  ['007', null], ['1.0', null], ['', null], ['-', null], ['0', 0n], ['-1', -1n], ['1 ', null], ['00000000000000000000001', null],
];

// glibc printf("%.Ng") on exact ties (round half to even), plus subnormal and large cases.
const GLIBC_TIES: Array<[number, number, string]> = [
  [0.5, 1, '0.5'], [1.5, 1, '2'], [2.5, 1, '2'], [3.5, 1, '4'], [-2.5, 1, '-2'], [0.125, 2, '0.12'], [0.375, 2, '0.38'],
  [0.625, 2, '0.62'], [123456.5, 6, '123456'], [1234567890123456.25, 17, '1234567890123456.2'],
  [1234567890123456.75, 17, '1234567890123456.8'], [123456789012345, 14, '1.2345678901234e+14'], [999999999999995, 14, '1e+15'],
  [9.5, 1, '1e+01'], [99.5, 2, '1e+02'], [0.0000125, 2, '1.3e-05'], [1e-310, 17, '9.9999999999999694e-311'],
  [5e-324, 17, '4.9406564584124654e-324'], [2 ** 63, 17, '9.2233720368547758e+18'], [1e300, 17, '1.0000000000000001e+300'],
];

function bitsHex(d: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, d);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Independent reference for %.Pg digits: exact expansion, half-even rounding by BigInt. */
function refG(d: number, p: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const { digits, exp } = exactDecimal(d);
  let n = BigInt(digits.padEnd(p + 1, '0').slice(0, p));
  const rest = digits.slice(p);
  let e = exp;
  if (rest.length > 0) {
    const first = +rest[0];
    const tail = /[1-9]/.test(rest.slice(1));
    if (first > 5 || (first === 5 && (tail || n % 2n === 1n))) n += 1n;
    if (n.toString().length > p) { n /= 10n; e++; }
  }
  const ds = n.toString();
  const sign = d < 0 ? '-' : '';
  if (e < -4 || e >= p) {
    const frac = ds.slice(1).replace(/0+$/, '');
    return `${sign}${ds[0]}${frac ? '.' + frac : ''}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const full = e >= 0 ? ds.slice(0, e + 1) + '.' + ds.slice(e + 1) : '0.' + '0'.repeat(-e - 1) + ds;
  return sign + full.replace(/0+$/, '').replace(/\.$/, '');
}

function xorshift(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
}

describe('parseDouble (string2d)', () => {
  it.each(ZADD_ACCEPT)('ZADD score %j', (arg, zscore) => {
    const v = parseDouble(arg);
    if (zscore === null) expect(v).toBeNull();
    else expect(v === null ? null : formatDouble(v)).toBe(zscore);
  });
  it('keeps the sign of -0 and parses long digit strings exactly', () => {
    expect(Object.is(parseDouble('-0'), -0)).toBe(true);
    expect(parseDouble('0.1000000000000000055511151231257827021181583404541015625')).toBe(0.1);
    expect(parseDouble('1' + '0'.repeat(400) + 'e-400')).toBe(1);
  });
});

describe('parseDoubleLoose (zslParseRange)', () => {
  it.each(RANGE_BOUND)('bound %j', (arg, want) => {
    expect(parseDoubleLoose(arg)).toBe(want);
  });
});

describe('strtod', () => {
  it.each(GLIBC_STRTOD)('glibc strtod(%j)', (s, bits, end, erange) => {
    const r = strtod(s);
    expect(r.end).toBe(end);
    expect(r.erange).toBe(erange);
    if (Number.isNaN(r.value)) expect(bits.slice(1, 4)).toBe('ff8');
    else expect(bitsHex(r.value)).toBe(bits);
  });
  it('honours a start offset', () => {
    expect(strtod('(1.5', 1)).toEqual({ value: 1.5, end: 4, erange: false });
  });
});

describe('formatDouble (addReplyDouble %.17g)', () => {
  it.each(ZSCORE_LUA)('ZSCORE of %j', (arg, zscore) => {
    expect(formatDouble(parseDouble(arg) as number)).toBe(zscore);
  });
  it('prints -0 as Redis does (ZINCRBY z -0 m -> "-0") and RESP3 uses the same text', () => {
    expect(formatDouble(-0)).toBe('-0');
    expect(formatDouble(0)).toBe('0');
    expect(formatDoubleResp3(0.1)).toBe('0.10000000000000001');
    expect(formatDoubleResp3(-Infinity)).toBe('-inf');
  });
});

describe('formatG', () => {
  it.each(ZSCORE_LUA)('Lua tostring(%j) is %%.14g', (arg, _z, lua) => {
    expect(formatG(parseDouble(arg) as number, 14)).toBe(lua);
  });
  it.each(GLIBC_G)('glibc %%.%ig of %s', (ds, p, want) => {
    expect(formatG(Number(ds), p)).toBe(want);
  });
  it.each(GLIBC_TIES)('ties: %s at %i digits', (d, p, want) => {
    expect(formatG(d, p)).toBe(want);
  });
  it('specials: inf, zero, nan by sign bit', () => {
    expect(formatG(Infinity, 14)).toBe('inf');
    expect(formatG(-Infinity, 17)).toBe('-inf');
    expect(formatG(-0, 14)).toBe('-0');
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, 0xfff8000000000000n);
    expect(formatG(dv.getFloat64(0), 14)).toBe('-nan');
    dv.setBigUint64(0, 0x7ff8000000000000n);
    expect(formatG(dv.getFloat64(0), 14)).toBe('nan');
    expect(formatG(1.5, 0)).toBe('2');
  });
  it('matches an exact BigInt reference on random doubles and precisions', () => {
    const rnd = xorshift(12345);
    const dv = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 3000; i++) {
      dv.setUint32(0, rnd());
      dv.setUint32(4, rnd());
      let d = dv.getFloat64(0);
      if (!Number.isFinite(d)) continue;
      if (i % 3 === 1) d = (rnd() % 2 ** 20) / 2 ** (rnd() % 12); // short binary fractions: many ties
      const p = [1, 2, 3, 6, 14, 15, 16, 17, 20][i % 9];
      expect(formatG(d, p)).toBe(refG(d, p));
    }
  });
});

describe('d2string and fixed point', () => {
  it('d2string prints integral values as integers up to 2^62', () => {
    expect(d2string(123456789012345678)).toBe('123456789012345680');
    expect(d2string(2 ** 62)).toBe('4611686018427387904');
    expect(d2string(2 ** 63)).toBe('9.2233720368547758e+18');
    expect(d2string(1.5)).toBe('1.5');
    expect(d2string(-0)).toBe('-0');
    expect(d2string(-Infinity)).toBe('-inf');
  });
  it('formatFixedPoint rounds like llrint(d * 10^k) (values checked against glibc llrint)', () => {
    expect(formatFixedPoint(0, 4)).toBe('0.0000');
    expect(formatFixedPoint(0.00005, 4)).toBe('0.0000'); // exactly 0.5 after scaling: ties to even
    expect(formatFixedPoint(0.00015, 4)).toBe('0.0001'); // 1.4999999999999998 after scaling
    expect(formatFixedPoint(0.00025, 4)).toBe('0.0002'); // 2.5: ties to even
    expect(formatFixedPoint(166274.1516, 4)).toBe('166274.1516');
    expect(formatFixedPoint(-0.6, 4)).toBe('-0.6000');
    expect(formatFixedPoint(-0.00001, 4)).toBe('0.0000');
    expect(formatFixedPoint(1.00005, 4)).toBe('1.0001');
    expect(formatFixedPoint(12.5, 1)).toBe('12.5');
    expect(formatFixedPoint(0.25, 1)).toBe('0.2');
    expect(formatFixedPoint(0.35, 1)).toBe('0.4');
  });
});

describe('parseLongLong (string2ll)', () => {
  it.each(STRING2LL)('INCRBY argument %j', (s, want) => {
    expect(parseLongLong(s)).toBe(want);
  });
  it('number variant refuses what a double cannot hold exactly', () => {
    expect(parseLongLongNum('9007199254740991')).toBe(9007199254740991);
    expect(parseLongLongNum('-9007199254740991')).toBe(-9007199254740991);
    expect(parseLongLongNum('9007199254740992')).toBeNull();
    expect(parseLongLongNum('9223372036854775807')).toBeNull();
    expect(parseLongLongNum('-0')).toBeNull();
    expect(parseLongLongNum('42')).toBe(42);
    expect(formatLongLong(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(formatLongLong(-5)).toBe('-5');
  });
  it('short strings (the non-regex path) follow the same rules', () => {
    const cases: Array<[string, number | null]> = [
      ['0', 0], ['-0', null], ['01', null], ['-01', null], ['+5', null], ['-', null], ['', null], ['5-', null],
      ['1e3', null], ['1/', null], ['1:', null], ['\u00b9', null], ['999999999999999', 999999999999999],
      ['-99999999999999', -99999999999999], ['-999999999999999', -999999999999999 /* 16 chars: regex path */],
      ['1000000000000000', 1000000000000000], ['12 ', null], ['\t1', null], ['-9', -9],
    ];
    for (const [str, want] of cases) {
      expect(parseLongLongNum(str)).toBe(want);
      expect(parseLongLong(str)).toBe(want === null ? null : BigInt(want));
    }
  });
  it('agrees with the plain regex definition on random short strings', () => {
    const ref = (str: string): bigint | null => (/^(?:0|-?[1-9][0-9]*)$/.test(str) ? BigInt(str) : null);
    const alphabet = '0123456789-+ .a\u00b0/:';
    let seed = 12345;
    const next = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let k = 0; k < 20000; k++) {
      const len = next(17);
      let str = '';
      // Mostly digits so that many strings are valid.
      for (let i = 0; i < len; i++) str += next(4) === 0 ? alphabet[next(alphabet.length)] : alphabet[next(10)];
      const want = ref(str);
      expect(parseLongLong(str)).toBe(want);
      const safe = want !== null && Number.isSafeInteger(Number(want));
      expect(parseLongLongNum(str)).toBe(safe ? Number(want) : null);
    }
  });
});
