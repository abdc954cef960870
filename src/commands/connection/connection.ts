/** Connection commands: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO, CLIENT. */
import { registerAll } from '../registry.js';
import { PONG, OK, bulk, bulkOrNil, err, int, map, array, status, verbatim, E, type Reply } from '../../reply.js';
import { parseLongLongNum } from '../../util/float.js';
import { discardTransaction } from '../transactions/transactions.js';
import type { Client } from '../../client.js';
import type { RedSim } from '../../server.js';
import type { Ctx } from '../../context.js';
import { subcommandSyntaxError } from '../server/debug.js';

const NO_PASSWORD = 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const HELLO_NOAUTH = 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH ' +
  '<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';

/** A valid long long beyond 2^53 (parseLongLongNum answers null for those). */
function isLongLong(s: string): boolean {
  if (!/^-?[1-9][0-9]{15,18}$/.test(s)) return false;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n;
}

function helloReply(server: RedSim, c: Client): Reply {
  return map([
    [bulk('server'), bulk('redis')], [bulk('version'), bulk('7.0.15')], [bulk('proto'), int(c.resp)],
    [bulk('id'), int(c.id)], [bulk('mode'), bulk(server.ext.cluster ? 'cluster' : 'standalone')], [bulk('role'), bulk('master')], [bulk('modules'), array([])],
  ]);
}

/** CLIENT NO-EVICT state, kept beside the Client (RESET does not clear it). */
const noEvict = new WeakSet<Client>();

/** Redis's flag letters, in catClientInfoString's order. */
function clientFlags(c: Client): string {
  let f = '';
  if (c.monitor) f += 'O';
  if (c.pubsubMode) f += 'P';
  if (c.multi) f += 'x';
  if (c.blocked) f += 'b';
  if (c.tracking !== null) {
    f += 't';
    if (c.tracking.brokenRedir) f += 'R';
    if (c.tracking.bcast) f += 'B';
  }
  if (c.dirtyCas) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (noEvict.has(c)) f += 'e';
  return f || 'N';
}

/**
 * One CLIENT LIST / CLIENT INFO line, with Redis's fields in Redis's order. Memory
 * and buffer fields have no meaning here and show what an idle client shows.
 */
export function clientLine(server: RedSim, c: Client): string {
  const nowSec = Math.floor(server.clock.now() / 1000);
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=8 name=${c.name} age=${nowSec - Math.floor(c.createdAt / 1000)} ` +
    `idle=${nowSec - Math.floor(c.lastInteraction / 1000)} flags=${clientFlags(c)} db=${c.db.id} sub=${c.subChannels.size} psub=${c.subPatterns.size} ssub=${c.subShard.size} ` +
    `multi=${c.multi ? c.queue.length : -1} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 ` +
    `tot-mem=0 events=r cmd=${c.lastCommand} user=${c.user.name} redir=${c.tracking !== null ? c.tracking.redirect : -1} resp=${c.resp}`;
}

/** getClientType: no masters or replicas here, so a client is pubsub or normal. */
function clientType(c: Client): string { return c.pubsubMode ? 'pubsub' : 'normal'; }

const CLIENT_TYPES = ['normal', 'master', 'replica', 'slave', 'pubsub'];
const NAME_ERR = 'ERR Client names cannot contain spaces, newlines or special characters.';

function validName(n: string): boolean {
  for (let i = 0; i < n.length; i++) { const ch = n.charCodeAt(i); if (ch < 33 || ch > 126) return false; }
  return true;
}

registerAll({
  ping(ctx, argv) {
    if (argv.length > 2) return err("ERR wrong number of arguments for 'ping' command");
    // A RESP2 subscriber gets PING's answer as an array it can tell from messages.
    if (ctx.client.pubsubMode && ctx.client.resp === 2) return array([bulk('pong'), bulk(argv.length === 2 ? argv[1] : '')]);
    return argv.length === 2 ? bulk(argv[1]) : PONG;
  },
  echo(_ctx, argv) { return bulk(argv[1]); },
  select(ctx, argv) {
    const n = parseLongLongNum(argv[1]) ?? (isLongLong(argv[1]) ? Infinity : null);
    if (n === null) return err(E.NOT_INT);
    // getIntFromObjectOrReply: a long long outside int's range has its own text.
    if (n < -2147483648 || n > 2147483647) return err('ERR value is out of range, value must between -2147483648 and 2147483647');
    if (ctx.server.ext.cluster && n !== 0) return err('ERR SELECT is not allowed in cluster mode');
    if (n < 0 || n >= ctx.server.dbs.length) return err(E.DB_INDEX);
    ctx.client.db = ctx.server.dbs[n];
    return OK;
  },
  quit(ctx) { ctx.client.closeAfterReply = true; return OK; },
  auth(ctx, argv) {
    if (argv.length > 3) return err(E.SYNTAX);
    const acl = ctx.server.acl;
    // The one-argument form authenticates "default", and only when it has a password.
    if (argv.length === 2 && acl.defaultUser.nopass) return err(NO_PASSWORD);
    const [username, password] = argv.length === 2 ? ['default', argv[1]] : [argv[1], argv[2]];
    const context = ctx.client.multi || ctx.inExec ? 'multi' : 'toplevel';
    return acl.authenticate(ctx.client, username, password, argv[0], context) ? OK : err(WRONGPASS);
  },
  reset(ctx) {
    const c = ctx.client;
    discardTransaction(c);
    ctx.server.unwatchAll(c);
    ctx.server.pubsub.dropClient(c);
    ctx.server.tracking.disable(c);
    ctx.server.monitors.delete(c);
    c.monitor = false;
    c.replyOff = false;
    c.replySkipNext = false;
    c.db = ctx.server.dbs[0];
    c.resp = 2;
    ctx.server.acl.setDefaultAuth(c);
    c.name = '';
    return status('RESET');
  },
  hello(ctx, argv) {
    const c = ctx.client;
    let ver = c.resp as number;
    let i = 1;
    if (argv.length >= 2) {
      const v = parseLongLongNum(argv[1]) ?? (isLongLong(argv[1]) ? Infinity : null);
      if (v === null) return err('ERR Protocol version is not an integer or out of range');
      if (v < 2 || v > 3) return err('NOPROTO unsupported protocol version');
      ver = v;
      i = 2;
    }
    // Options act as they are parsed: a name set before a bad option stays set.
    for (; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      const more = argv.length - i - 1;
      if (opt === 'auth' && more >= 2) {
        const context = c.multi || ctx.inExec ? 'multi' : 'toplevel';
        if (!ctx.server.acl.authenticate(c, argv[i + 1], argv[i + 2], argv[0], context)) return err(WRONGPASS);
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        const name = argv[++i];
        if (!validName(name)) return err(NAME_ERR);
        c.name = name;
      } else return err(`ERR Syntax error in HELLO option '${argv[i]}'`);
    }
    if (!c.authenticated) return err(HELLO_NOAUTH);
    c.resp = ver as 2 | 3;
    return helloReply(ctx.server, c);
  },
  'client|id'(ctx) { return int(ctx.client.id); },
  'client|getname'(ctx) { return bulkOrNil(ctx.client.name || null); },
  'client|setname'(ctx, argv) {
    if (!validName(argv[2])) return err(NAME_ERR);
    ctx.client.name = argv[2];
    return OK;
  },
  'client|info'(ctx) { return verbatim(clientLine(ctx.server, ctx.client) + '\n'); },
  'client|list'(ctx, argv) {
    let clients = [...ctx.server.clients.values()];
    if (argv.length === 4 && argv[2].toLowerCase() === 'type') {
      const t = argv[3].toLowerCase();
      if (!CLIENT_TYPES.includes(t)) return err(`ERR Unknown client type '${argv[3]}'`);
      const want = t === 'slave' ? 'replica' : t;
      clients = clients.filter((c) => clientType(c) === want);
    } else if (argv.length > 3 && argv[2].toLowerCase() === 'id') {
      // One line per argument, in argument order; unknown ids are skipped.
      clients = [];
      for (const a of argv.slice(3)) {
        const n = parseLongLongNum(a);
        if (n === null) return err('ERR Invalid client ID');
        const c = ctx.server.clients.get(n);
        if (c) clients.push(c);
      }
    } else if (argv.length !== 2) return err(E.SYNTAX);
    return verbatim(clients.map((c) => clientLine(ctx.server, c) + '\n').join(''));
  },
  'client|kill': clientKill,
  'client|no-evict'(ctx, argv) {
    const v = argv[2].toLowerCase();
    if (v === 'on') noEvict.add(ctx.client);
    else if (v === 'off') noEvict.delete(ctx.client);
    else return err(E.SYNTAX);
    return OK;
  },
  'client|unblock'(ctx, argv) {
    if (argv.length > 4) return subcommandSyntaxError('CLIENT', argv[1]);
    let asError = false;
    if (argv.length === 4) {
      const mode = argv[3].toLowerCase();
      if (mode !== 'timeout' && mode !== 'error') return err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      asError = mode === 'error';
    }
    const id = parseLongLongNum(argv[2]);
    if (id === null) return err(E.NOT_INT);
    const target = ctx.server.clients.get(id);
    if (!target || !target.blocked) return int(0);
    target.blocked.cancel(asError ? err('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined);
    return int(1);
  },

});

/** CLIENT KILL, old form (<addr>) and new form (option/value pairs, parsed in order). */
function clientKill(ctx: Ctx, argv: string[]): Reply {
  let addr: string | undefined;
  let laddr: string | undefined;
  let type: string | undefined;
  let user: string | undefined;
  let id = 0;
  let skipme = true;
  if (argv.length === 3) {
    addr = argv[2];
    skipme = false;
  } else {
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const more = i + 1 < argv.length;
      const val = argv[i + 1];
      if (opt === 'id' && more) {
        const n = parseLongLongNum(val);
        if (n === null || n < 1) return err('ERR client-id should be greater than 0');
        id = n;
      } else if (opt === 'type' && more) {
        type = val.toLowerCase();
        if (!CLIENT_TYPES.includes(type)) return err(`ERR Unknown client type '${val}'`);
      } else if (opt === 'addr' && more) addr = val;
      else if (opt === 'laddr' && more) laddr = val;
      else if (opt === 'user' && more) {
        if (!ctx.server.acl.users.has(val)) return err(`ERR No such user '${val}'`);
        user = val;
      } else if (opt === 'skipme' && more) {
        const v = val.toLowerCase();
        if (v === 'yes') skipme = true;
        else if (v === 'no') skipme = false;
        else return err(E.SYNTAX);
      } else return err(E.SYNTAX);
    }
  }
  const matches = [...ctx.server.clients.values()].filter((c) =>
    (addr === undefined || c.addr === addr) && (laddr === undefined || c.laddr === laddr) &&
    (type === undefined || clientType(c) === (type === 'slave' ? 'replica' : type)) && (id === 0 || c.id === id) &&
    (user === undefined || c.user === ctx.server.acl.users.get(user)) && !(c === ctx.client && skipme));
  for (const c of matches) {
    // Killing yourself closes the connection after this reply.
    if (c === ctx.client) c.closeAfterReply = true;
    else ctx.server.killClient(c);
  }
  if (argv.length === 3) return matches.length ? OK : err('ERR No such client');
  return int(matches.length);
}

