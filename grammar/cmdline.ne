# redis-cli argument splitting (the language of sdssplitargs in sds.c), over a
# byte string: one parser token per char. Compiled by nearleyc at build time to
# src/cli/cmdline-grammar.generated.js; used by src/cli/split.ts.
#
# The language, as Redis implements it:
#  - blanks between arguments are C isspace(): space \t \n \v \f \r
#  - an unquoted word ends only at space \t \n \r (so \v and \f are word chars,
#    but a word never starts with one: they are skipped as blanks)
#  - a word may run into one quoted part: foo"bar baz" -> `foobar baz`
#  - "double quotes": \xHH (two hex digits) is a byte; \n \r \t \b \a are
#    control chars; backslash + any other char is that char (\xZZ -> xZZ)
#  - 'single quotes': only \' is an escape; other backslashes are literal
#  - a closing quote must be followed by a blank or the end of the line
#  - anything else (unbalanced quotes, "a"b) does not parse -> null
#
# Every rule is unambiguous, so a valid line has exactly one parse. Lists are
# left-recursive (cheap for Earley). The \x rule needs a lookahead ("\x not
# followed by two hex digits"), encoded as states of the double-quoted body:
#   DqA: plain state, DqB: just read a failed \x, DqC: failed \x then one hex.

@preprocessor esmodule

@{%
const CTRL = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' };
const unescape = (c) => (Object.prototype.hasOwnProperty.call(CTRL, c) ? CTRL[c] : c);
const hexByte = (h, l) => String.fromCharCode(parseInt(h + l, 16));
const empty = () => '';
// Argument lists are immutable cons cells (prev, arg): Earley may extend the
// same partial list along several paths, so it must never be mutated.
const first = (d) => ({ prev: null, arg: d[0] });
const append = (d) => ({ prev: d[0], arg: d[2] });
const toArray = (list) => {
  const out = [];
  for (let c = list; c !== null; c = c.prev) out.push(c.arg);
  return out.reverse();
};
const cat = (d) => d[0] + d[1];
%}

line -> Ws0                 {% () => [] %}
      | Ws0 ListU TailU     {% (d) => toArray(d[1]) %}
      | Ws0 ListQ Ws0       {% (d) => toArray(d[1]) %}

# Argument lists, by how their last argument ends (unquoted word / quote).
ListU -> WordU              {% first %}
       | ListU SepU WordU   {% append %}
       | ListQ Ws1 WordU    {% append %}
ListQ -> WordQ              {% first %}
       | ListU SepU WordQ   {% append %}
       | ListQ Ws1 WordQ    {% append %}

# After an unquoted word the separator starts with one of its terminators.
SepU  -> [ \t\r\n] Ws0      {% empty %}
TailU -> null               {% empty %}
       | [ \t\r\n] Ws0      {% empty %}
Ws0   -> null               {% empty %}
       | Ws0 [ \t\n\v\f\r]  {% empty %}
Ws1   -> [ \t\n\v\f\r] Ws0  {% empty %}

WordU -> Bare               {% (d) => d[0] %}
WordQ -> Quoted             {% (d) => d[0] %}
       | Bare Quoted        {% cat %}

Bare  -> [^ \t\n\v\f\r"']   {% (d) => d[0] %}
       | Bare [^ \t\r\n"']  {% cat %}

Quoted -> "\"" Dq "\""      {% (d) => d[1] %}
        | "'" Sq "'"        {% (d) => d[1] %}

Dq  -> DqA {% (d) => d[0] %} | DqB {% (d) => d[0] %} | DqC {% (d) => d[0] %}

DqA -> null                 {% empty %}
     | DqA [^"\\]           {% cat %}
     | DqA DqEsc            {% cat %}
     | DqA DqHex            {% cat %}
     | DqB [^"\\0-9a-fA-F]  {% cat %}
     | DqB DqEsc            {% cat %}
     | DqB DqHex            {% cat %}
     | DqC [^"\\0-9a-fA-F]  {% cat %}
     | DqC DqEsc            {% cat %}
     | DqC DqHex            {% cat %}
# \x without two hex digits after it is just "x"
DqB -> DqA "\\" "x"         {% (d) => d[0] + 'x' %}
     | DqB "\\" "x"         {% (d) => d[0] + 'x' %}
     | DqC "\\" "x"         {% (d) => d[0] + 'x' %}
DqC -> DqB Hex              {% cat %}

DqEsc -> "\\" [^x]          {% (d) => unescape(d[1]) %}
DqHex -> "\\" "x" Hex Hex   {% (d) => hexByte(d[2], d[3]) %}
Hex   -> [0-9a-fA-F]        {% (d) => d[0] %}

# Single quotes: SqB ends with a backslash that must not precede a quote.
Sq  -> SqA                  {% (d) => d[0] %}
SqA -> null                 {% empty %}
     | SqA [^'\\]           {% cat %}
     | SqA "\\" "'"         {% (d) => d[0] + "'" %}
     | SqB [^'\\]           {% cat %}
     | SqB "\\" "'"         {% (d) => d[0] + "'" %}
SqB -> SqA "\\"             {% (d) => d[0] + '\\' %}
     | SqB "\\"             {% (d) => d[0] + '\\' %}
