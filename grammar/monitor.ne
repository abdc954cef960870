# One line of Redis 7.0 MONITOR output (replicationFeedMonitors in
# replication.c), as `redis-cli monitor` prints it or as the raw status reply
# carries it (leading '+'); the trailing CR/LF is removed by the caller:
#
#   1700000000.123456 [0 127.0.0.1:52612] "SET" "k" "v"
#   1700000000.123470 [0 lua] "INCR" "counter"
#   1700000000.123480 [3 unix:/tmp/redis.sock] "PING"
#   1700000000.123490 [0 [::1]:6000] "GET" "k"
#
# Arguments are quoted by sdscatrepr: \\ \" \n \r \t \a \b, \xHH for bytes that
# are not printable ASCII, everything else verbatim.
#
# Compiled by nearleyc at build time to src/replay/monitor-grammar.generated.js;
# used by src/replay/monitor.ts. A small modal lexer below turns the line into
# tokens (a whole quoted argument is one token), so a long EVAL body costs one
# regex match instead of one Earley step per byte.

@preprocessor esmodule

@{%
// state -> ordered [token type, sticky regex, next state (omitted: stay)]
const STATES = {
  head: [
    ['plus', /\+/y],
    ['ts', /[0-9]+\.[0-9]+/y],
    ['sp', / /y],
    ['lbrack', /\[/y, 'db'],
  ],
  db: [
    ['int', /[0-9]+/y],
    ['sp', / /y, 'source'],
  ],
  source: [
    ['lua', /lua(?=\])/y],
    ['unix', /unix:[^\]]*(?=\])/y],
    ['ip6', /\[[0-9A-Za-z:.%]*\]:[0-9]+(?=\])/y],
    ['ip', /[^\s\]"]+(?=\])/y],
    ['rbrack', /\]/y, 'args'],
  ],
  args: [
    ['sp', / /y],
    ['str', /"(?:[^"\\]|\\x[0-9a-fA-F]{2}|\\[^x])*"/y],
  ],
};

// nearley's custom lexer interface: reset/next/save/formatError/has.
const lexer = {
  buf: '',
  pos: 0,
  state: 'head',
  reset(chunk, info) {
    this.buf = chunk;
    this.pos = 0;
    this.state = info ? info.state : 'head';
  },
  save() {
    return { state: this.state };
  },
  next() {
    if (this.pos >= this.buf.length) return undefined;
    for (const [type, re, to] of STATES[this.state]) {
      re.lastIndex = this.pos;
      const m = re.exec(this.buf);
      if (!m || m[0].length === 0) continue;
      const tok = { type, value: m[0], text: m[0], offset: this.pos, line: 1, col: this.pos + 1 };
      this.pos += m[0].length;
      if (to) this.state = to;
      return tok;
    }
    const err = new Error(`unexpected character at column ${this.pos + 1}`);
    err.offset = this.pos;
    throw err;
  },
  formatError(tok, message) {
    return `${message} at column ${tok ? tok.col : this.pos + 1}`;
  },
  has(type) {
    return Object.values(STATES).some((rules) => rules.some((r) => r[0] === type));
  },
};

const CTRL = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };
// Undo sdscatrepr on a quoted token (quotes included).
const unrepr = (text) =>
  text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[^x])/g, (_, e) =>
    e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : Object.prototype.hasOwnProperty.call(CTRL, e) ? CTRL[e] : e);
// Argument lists are immutable cons cells: Earley may share a partial list.
const toArray = (list) => {
  const out = [];
  for (let c = list; c !== null; c = c.prev) out.push(c.arg);
  return out.reverse();
};
%}

@lexer lexer

line    -> Plus %ts %sp %lbrack %int %sp Source %rbrack Args
           {% (d) => ({ ts: d[1].value, db: Number(d[4].value), source: d[6], argv: d[8] }) %}

Plus    -> null | %plus                     {% () => null %}

Source  -> %lua                             {% () => ({ kind: 'lua', addr: 'lua' }) %}
         | %unix                            {% (d) => ({ kind: 'unix', addr: d[0].value }) %}
         | %ip6                             {% (d) => ({ kind: 'tcp', addr: d[0].value }) %}
         | %ip                              {% (d) => ({ kind: 'tcp', addr: d[0].value }) %}

# At least one argument; arguments are separated by one space.
Args    -> ArgList                          {% (d) => toArray(d[0]) %}
ArgList -> %sp %str                         {% (d) => ({ prev: null, arg: unrepr(d[1].value) }) %}
         | ArgList %sp %str                 {% (d) => ({ prev: d[0], arg: unrepr(d[2].value) }) %}
