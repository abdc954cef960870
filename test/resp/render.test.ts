import { describe, expect, test } from 'vitest';
import { renderReply, renderReplyRaw, reprBytes } from '../../src/resp/render.js';
import { parseReply } from '../../src/resp/parser.js';
import type { Reply } from '../../src/reply.js';

/**
 * Recorded from Redis 7.0.15: `raw` is the reply bytes read from the socket
 * (latin1), `rendered` what `redis-cli --no-raw` (with -3 for resp 3) printed
 * for the same command against the same data.
 */
const ORACLE: Array<{ resp: 2 | 3; cmd: string; raw: string; rendered: string }> = [
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL string",
  "raw": "$11\r\nHello World\r\n",
  "rendered": "\"Hello World\"\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL integer",
  "raw": ":12345\r\n",
  "rendered": "(integer) 12345\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL double",
  "raw": "$5\r\n3.141\r\n",
  "rendered": "\"3.141\"\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL null",
  "raw": "$-1\r\n",
  "rendered": "(nil)\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL array",
  "raw": "*3\r\n:0\r\n:1\r\n:2\r\n",
  "rendered": "1) (integer) 0\n2) (integer) 1\n3) (integer) 2\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL set",
  "raw": "*3\r\n:0\r\n:1\r\n:2\r\n",
  "rendered": "1) (integer) 0\n2) (integer) 1\n3) (integer) 2\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL map",
  "raw": "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n",
  "rendered": "1) (integer) 0\n2) (integer) 0\n3) (integer) 1\n4) (integer) 1\n5) (integer) 2\n6) (integer) 0\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL verbatim",
  "raw": "$25\r\nThis is a verbatim\nstring\r\n",
  "rendered": "\"This is a verbatim\\nstring\"\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL true",
  "raw": ":1\r\n",
  "rendered": "(integer) 1\n"
 },
 {
  "resp": 2,
  "cmd": "DEBUG PROTOCOL false",
  "raw": ":0\r\n",
  "rendered": "(integer) 0\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {1,{2,{3,'x'}},'a\\0b\\255\\t\\\"\\\\\\7\\8\\r\\n', {}, {{}}, {'z'}} 0",
  "raw": "*6\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n$11\r\na\u0000b\u00ff\t\"\\\u0007\b\r\n\r\n*0\r\n*1\r\n*0\r\n*1\r\n$1\r\nz\r\n",
  "rendered": "1) (integer) 1\n2) 1) (integer) 2\n   2) 1) (integer) 3\n      2) \"x\"\n3) \"a\\x00b\\xff\\t\\\"\\\\\\a\\b\\r\\n\"\n4) (empty array)\n5) 1) (empty array)\n6) 1) \"z\"\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL local t={} for i=1,12 do t[i]=i end return t 0",
  "raw": "*12\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n:8\r\n:9\r\n:10\r\n:11\r\n:12\r\n",
  "rendered": " 1) (integer) 1\n 2) (integer) 2\n 3) (integer) 3\n 4) (integer) 4\n 5) (integer) 5\n 6) (integer) 6\n 7) (integer) 7\n 8) (integer) 8\n 9) (integer) 9\n10) (integer) 10\n11) (integer) 11\n12) (integer) 12\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL local t={} for i=1,10 do t[i]={i,{'a','b'}} end return t 0",
  "raw": "*10\r\n*2\r\n:1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:3\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:4\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:5\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:6\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:7\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:8\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:9\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:10\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
  "rendered": " 1) 1) (integer) 1\n    2) 1) \"a\"\n       2) \"b\"\n 2) 1) (integer) 2\n    2) 1) \"a\"\n       2) \"b\"\n 3) 1) (integer) 3\n    2) 1) \"a\"\n       2) \"b\"\n 4) 1) (integer) 4\n    2) 1) \"a\"\n       2) \"b\"\n 5) 1) (integer) 5\n    2) 1) \"a\"\n       2) \"b\"\n 6) 1) (integer) 6\n    2) 1) \"a\"\n       2) \"b\"\n 7) 1) (integer) 7\n    2) 1) \"a\"\n       2) \"b\"\n 8) 1) (integer) 8\n    2) 1) \"a\"\n       2) \"b\"\n 9) 1) (integer) 9\n    2) 1) \"a\"\n       2) \"b\"\n10) 1) (integer) 10\n    2) 1) \"a\"\n       2) \"b\"\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {err='My error'} 0",
  "raw": "-My error\r\n",
  "rendered": "(error) My error\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {ok='fine'} 0",
  "raw": "+fine\r\n",
  "rendered": "fine\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return redis.setresp(3) or {map={a=1}} 0",
  "raw": "*2\r\n$1\r\na\r\n:1\r\n",
  "rendered": "1) \"a\"\n2) (integer) 1\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {double=3.5} 0",
  "raw": "$3\r\n3.5\r\n",
  "rendered": "\"3.5\"\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {big_number='123456789012345678901234567890'} 0",
  "raw": "$30\r\n123456789012345678901234567890\r\n",
  "rendered": "\"123456789012345678901234567890\"\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {map={a={1,2},b={x={1}},c={}, d={{1,2}}}} 0",
  "raw": "*8\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$1\r\nd\r\n*1\r\n*2\r\n:1\r\n:2\r\n$1\r\nc\r\n*0\r\n$1\r\nb\r\n*0\r\n",
  "rendered": "1) \"a\"\n2) 1) (integer) 1\n   2) (integer) 2\n3) \"d\"\n4) 1) 1) (integer) 1\n      2) (integer) 2\n5) \"c\"\n6) (empty array)\n7) \"b\"\n8) (empty array)\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {set={a=true,b=true}} 0",
  "raw": "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
  "rendered": "1) \"a\"\n2) \"b\"\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {map={[1]={map={k='v',k2={1,{2,3}}}}}} 0",
  "raw": "*2\r\n:1\r\n*4\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n*2\r\n:1\r\n*2\r\n:2\r\n:3\r\n",
  "rendered": "1) (integer) 1\n2) 1) \"k\"\n   2) \"v\"\n   3) \"k2\"\n   4) 1) (integer) 1\n      2) 1) (integer) 2\n         2) (integer) 3\n"
 },
 {
  "resp": 2,
  "cmd": "EVAL return {{map={}},{set={}}} 0",
  "raw": "*2\r\n*0\r\n*0\r\n",
  "rendered": "1) (empty array)\n2) (empty array)\n"
 },
 {
  "resp": 2,
  "cmd": "COMMAND INFO GET",
  "raw": "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n",
  "rendered": "1)  1) \"get\"\n    2) (integer) 2\n    3) 1) readonly\n       2) fast\n    4) (integer) 1\n    5) (integer) 1\n    6) (integer) 1\n    7) 1) @read\n       2) @string\n       3) @fast\n    8) (empty array)\n    9) 1) 1) \"flags\"\n          2) 1) RO\n             2) access\n          3) \"begin_search\"\n          4) 1) \"type\"\n             2) \"index\"\n             3) \"spec\"\n             4) 1) \"index\"\n                2) (integer) 1\n          5) \"find_keys\"\n          6) 1) \"type\"\n             2) \"range\"\n             3) \"spec\"\n             4) 1) \"lastkey\"\n                2) (integer) 0\n                3) \"keystep\"\n                4) (integer) 1\n                5) \"limit\"\n                6) (integer) 0\n   10) (empty array)\n"
 },
 {
  "resp": 2,
  "cmd": "CONFIG GET maxmemory-policy",
  "raw": "*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n",
  "rendered": "1) \"maxmemory-policy\"\n2) \"noeviction\"\n"
 },
 {
  "resp": 2,
  "cmd": "XINFO STREAM rs",
  "raw": "*20\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
  "rendered": " 1) \"length\"\n 2) (integer) 1\n 3) \"radix-tree-keys\"\n 4) (integer) 1\n 5) \"radix-tree-nodes\"\n 6) (integer) 2\n 7) \"last-generated-id\"\n 8) \"1-1\"\n 9) \"max-deleted-entry-id\"\n10) \"0-0\"\n11) \"entries-added\"\n12) (integer) 1\n13) \"recorded-first-entry-id\"\n14) \"1-1\"\n15) \"groups\"\n16) (integer) 0\n17) \"first-entry\"\n18) 1) \"1-1\"\n    2) 1) \"f\"\n       2) \"v\"\n19) \"last-entry\"\n20) 1) \"1-1\"\n    2) 1) \"f\"\n       2) \"v\"\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL string",
  "raw": "$11\r\nHello World\r\n",
  "rendered": "\"Hello World\"\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL integer",
  "raw": ":12345\r\n",
  "rendered": "(integer) 12345\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL double",
  "raw": ",3.141\r\n",
  "rendered": "(double) 3.141\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL null",
  "raw": "_\r\n",
  "rendered": "(nil)\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL array",
  "raw": "*3\r\n:0\r\n:1\r\n:2\r\n",
  "rendered": "1) (integer) 0\n2) (integer) 1\n3) (integer) 2\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL set",
  "raw": "~3\r\n:0\r\n:1\r\n:2\r\n",
  "rendered": "1~ (integer) 0\n2~ (integer) 1\n3~ (integer) 2\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL map",
  "raw": "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
  "rendered": "1# (integer) 0 => (false)\n2# (integer) 1 => (true)\n3# (integer) 2 => (false)\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL verbatim",
  "raw": "=29\r\ntxt:This is a verbatim\nstring\r\n",
  "rendered": "This is a verbatim\nstring\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL true",
  "raw": "#t\r\n",
  "rendered": "(true)\n"
 },
 {
  "resp": 3,
  "cmd": "DEBUG PROTOCOL false",
  "raw": "#f\r\n",
  "rendered": "(false)\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {1,{2,{3,'x'}},'a\\0b\\255\\t\\\"\\\\\\7\\8\\r\\n', {}, {{}}, {'z'}} 0",
  "raw": "*6\r\n:1\r\n*2\r\n:2\r\n*2\r\n:3\r\n$1\r\nx\r\n$11\r\na\u0000b\u00ff\t\"\\\u0007\b\r\n\r\n*0\r\n*1\r\n*0\r\n*1\r\n$1\r\nz\r\n",
  "rendered": "1) (integer) 1\n2) 1) (integer) 2\n   2) 1) (integer) 3\n      2) \"x\"\n3) \"a\\x00b\\xff\\t\\\"\\\\\\a\\b\\r\\n\"\n4) (empty array)\n5) 1) (empty array)\n6) 1) \"z\"\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL local t={} for i=1,12 do t[i]=i end return t 0",
  "raw": "*12\r\n:1\r\n:2\r\n:3\r\n:4\r\n:5\r\n:6\r\n:7\r\n:8\r\n:9\r\n:10\r\n:11\r\n:12\r\n",
  "rendered": " 1) (integer) 1\n 2) (integer) 2\n 3) (integer) 3\n 4) (integer) 4\n 5) (integer) 5\n 6) (integer) 6\n 7) (integer) 7\n 8) (integer) 8\n 9) (integer) 9\n10) (integer) 10\n11) (integer) 11\n12) (integer) 12\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL local t={} for i=1,10 do t[i]={i,{'a','b'}} end return t 0",
  "raw": "*10\r\n*2\r\n:1\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:3\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:4\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:5\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:6\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:7\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:8\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:9\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n:10\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
  "rendered": " 1) 1) (integer) 1\n    2) 1) \"a\"\n       2) \"b\"\n 2) 1) (integer) 2\n    2) 1) \"a\"\n       2) \"b\"\n 3) 1) (integer) 3\n    2) 1) \"a\"\n       2) \"b\"\n 4) 1) (integer) 4\n    2) 1) \"a\"\n       2) \"b\"\n 5) 1) (integer) 5\n    2) 1) \"a\"\n       2) \"b\"\n 6) 1) (integer) 6\n    2) 1) \"a\"\n       2) \"b\"\n 7) 1) (integer) 7\n    2) 1) \"a\"\n       2) \"b\"\n 8) 1) (integer) 8\n    2) 1) \"a\"\n       2) \"b\"\n 9) 1) (integer) 9\n    2) 1) \"a\"\n       2) \"b\"\n10) 1) (integer) 10\n    2) 1) \"a\"\n       2) \"b\"\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {err='My error'} 0",
  "raw": "-My error\r\n",
  "rendered": "(error) My error\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {ok='fine'} 0",
  "raw": "+fine\r\n",
  "rendered": "fine\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return redis.setresp(3) or {map={a=1}} 0",
  "raw": "%1\r\n$1\r\na\r\n:1\r\n",
  "rendered": "1# \"a\" => (integer) 1\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {double=3.5} 0",
  "raw": ",3.5\r\n",
  "rendered": "(double) 3.5\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {map={a={1,2},b={x={1}},c={}, d={{1,2}}}} 0",
  "raw": "%4\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$1\r\nd\r\n*1\r\n*2\r\n:1\r\n:2\r\n$1\r\nc\r\n*0\r\n$1\r\nb\r\n*0\r\n",
  "rendered": "1# \"a\" => \n   1) (integer) 1\n   2) (integer) 2\n2# \"d\" => \n   1) 1) (integer) 1\n      2) (integer) 2\n3# \"c\" => (empty array)\n4# \"b\" => (empty array)\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {set={a=true,b=true}} 0",
  "raw": "~2\r\n$1\r\na\r\n$1\r\nb\r\n",
  "rendered": "1~ \"a\"\n2~ \"b\"\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {map={[1]={map={k='v',k2={1,{2,3}}}}}} 0",
  "raw": "%1\r\n:1\r\n%2\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nk2\r\n*2\r\n:1\r\n*2\r\n:2\r\n:3\r\n",
  "rendered": "1# (integer) 1 => \n   1# \"k\" => \"v\"\n   2# \"k2\" => \n      1) (integer) 1\n      2) 1) (integer) 2\n         2) (integer) 3\n"
 },
 {
  "resp": 3,
  "cmd": "EVAL return {{map={}},{set={}}} 0",
  "raw": "*2\r\n%0\r\n~0\r\n",
  "rendered": "1) (empty hash)\n2) (empty set)\n"
 },
 {
  "resp": 3,
  "cmd": "COMMAND INFO GET",
  "raw": "*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n",
  "rendered": "1)  1) \"get\"\n    2) (integer) 2\n    3) 1~ readonly\n       2~ fast\n    4) (integer) 1\n    5) (integer) 1\n    6) (integer) 1\n    7) 1~ @read\n       2~ @string\n       3~ @fast\n    8) (empty set)\n    9) 1~ 1# \"flags\" => \n             1~ RO\n             2~ access\n          2# \"begin_search\" => \n             1# \"type\" => \"index\"\n             2# \"spec\" => 1# \"index\" => (integer) 1\n          3# \"find_keys\" => \n             1# \"type\" => \"range\"\n             2# \"spec\" => \n                1# \"lastkey\" => (integer) 0\n                2# \"keystep\" => (integer) 1\n                3# \"limit\" => (integer) 0\n   10) (empty set)\n"
 },
 {
  "resp": 3,
  "cmd": "CONFIG GET maxmemory-policy",
  "raw": "%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n",
  "rendered": "1# \"maxmemory-policy\" => \"noeviction\"\n"
 },
 {
  "resp": 3,
  "cmd": "XINFO STREAM rs",
  "raw": "%10\r\n$6\r\nlength\r\n:1\r\n$15\r\nradix-tree-keys\r\n:1\r\n$16\r\nradix-tree-nodes\r\n:2\r\n$17\r\nlast-generated-id\r\n$3\r\n1-1\r\n$20\r\nmax-deleted-entry-id\r\n$3\r\n0-0\r\n$13\r\nentries-added\r\n:1\r\n$23\r\nrecorded-first-entry-id\r\n$3\r\n1-1\r\n$6\r\ngroups\r\n:0\r\n$11\r\nfirst-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n$10\r\nlast-entry\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
  "rendered": " 1# \"length\" => (integer) 1\n 2# \"radix-tree-keys\" => (integer) 1\n 3# \"radix-tree-nodes\" => (integer) 2\n 4# \"last-generated-id\" => \"1-1\"\n 5# \"max-deleted-entry-id\" => \"0-0\"\n 6# \"entries-added\" => (integer) 1\n 7# \"recorded-first-entry-id\" => \"1-1\"\n 8# \"groups\" => (integer) 0\n 9# \"first-entry\" => \n    1) \"1-1\"\n    2) 1) \"f\"\n       2) \"v\"\n10# \"last-entry\" => \n    1) \"1-1\"\n    2) 1) \"f\"\n       2) \"v\"\n"
 }
];

describe('renderReply matches redis-cli --no-raw', () => {
  test.each(ORACLE.map((f) => [`RESP${f.resp} ${f.cmd.slice(0, 60)}`, f] as const))('%s', (_name, f) => {
    const parsed = parseReply(Buffer.from(f.raw, 'latin1'));
    expect(parsed).not.toBeNull();
    expect(parsed!.end).toBe(Buffer.byteLength(f.raw, 'latin1'));
    expect(renderReply(parsed!.reply, f.resp)).toBe(f.rendered);
  });
});

describe('renderReply details', () => {
  test('scalars', () => {
    expect(renderReply({ t: 'status', v: 'OK' })).toBe('OK\n');
    expect(renderReply({ t: 'int', v: -5 })).toBe('(integer) -5\n');
    expect(renderReply({ t: 'int', v: 9223372036854775807n })).toBe('(integer) 9223372036854775807\n');
    expect(renderReply({ t: 'nil' })).toBe('(nil)\n');
    expect(renderReply({ t: 'nilarray' })).toBe('(nil)\n');
    expect(renderReply({ t: 'error', v: 'ERR x' })).toBe('(error) ERR x\n');
  });

  test('RESP2 view of RESP3 types', () => {
    expect(renderReply({ t: 'double', v: 0.1 }, 2)).toBe('"0.10000000000000001"\n');
    expect(renderReply({ t: 'double', v: 0.1 }, 3)).toBe('(double) 0.10000000000000001\n');
    expect(renderReply({ t: 'double', v: -Infinity }, 3)).toBe('(double) -inf\n');
    expect(renderReply({ t: 'bool', v: true }, 2)).toBe('(integer) 1\n');
    expect(renderReply({ t: 'bool', v: false }, 3)).toBe('(false)\n');
    expect(renderReply({ t: 'verbatim', fmt: 'txt', v: 'a\nb' }, 2)).toBe('"a\\nb"\n');
    expect(renderReply({ t: 'verbatim', fmt: 'txt', v: 'a\nb' }, 3)).toBe('a\nb\n');
    expect(renderReply({ t: 'bignum', v: '123' }, 2)).toBe('"123"\n');
    const m: Reply = { t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'bulk', v: 'v' }]] };
    expect(renderReply(m, 2)).toBe('1) "k"\n2) "v"\n');
    expect(renderReply(m, 3)).toBe('1# "k" => "v"\n');
    expect(renderReply({ t: 'map', v: [] }, 3)).toBe('(empty hash)\n');
    expect(renderReply({ t: 'map', v: [] }, 2)).toBe('(empty array)\n');
    expect(renderReply({ t: 'set', v: [] }, 3)).toBe('(empty set)\n');
    expect(renderReply({ t: 'push', v: [] }, 3)).toBe('(empty push)\n');
    expect(renderReply({ t: 'push', v: [{ t: 'int', v: 1 }] }, 3)).toBe('1) (integer) 1\n');
  });

  test('index width grows with the element count', () => {
    const a: Reply = { t: 'array', v: Array.from({ length: 100 }, (_, i) => ({ t: 'int', v: i }) as Reply) };
    const lines = renderReply(a).split('\n');
    expect(lines[0]).toBe('  1) (integer) 0');
    expect(lines[99]).toBe('100) (integer) 99');
  });

  test('reprBytes escapes like sdscatrepr', () => {
    expect(reprBytes('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(reprBytes('\x00\x07\x08\t\n\r\x1b\x7f\x80\xff ~')).toBe('"\\x00\\a\\b\\t\\n\\r\\x1b\\x7f\\x80\\xff ~"');
  });

  test('status and error texts stop at a NUL, as C strings do', () => {
    expect(renderReply({ t: 'status', v: 'ab\0cd' })).toBe('ab\n');
    expect(renderReply({ t: 'error', v: 'ERR a\0b' })).toBe('(error) ERR a\n');
  });
});

describe('renderReplyRaw (INFO, CLIENT LIST...)', () => {
  test('bulk printed as is, no newline added', () => {
    expect(renderReplyRaw({ t: 'bulk', v: '# Server\r\nredis_version:7.0.15\r\n' })).toBe('# Server\r\nredis_version:7.0.15\r\n');
  });
  test('aggregates joined by newlines', () => {
    const r: Reply = { t: 'array', v: [{ t: 'bulk', v: 'a' }, { t: 'int', v: 2 }, { t: 'nil' }] };
    expect(renderReplyRaw(r)).toBe('a\n2\n');
    expect(renderReplyRaw({ t: 'map', v: [[{ t: 'bulk', v: 'k' }, { t: 'bulk', v: 'v' }]] }, 3)).toBe('k v');
    expect(renderReplyRaw({ t: 'error', v: 'ERR x' })).toBe('ERR x\n');
  });
});
