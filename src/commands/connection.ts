/** Connection commands: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO, CLIENT. */
import { registerAll } from './registry.js';
import { PONG, OK, bulk, bulkOrNil, err, int, map, array, status, verbatim, E, type Reply } from '../reply.js';
import { parseLongLongNum } from '../util/float.js';
import { discardTransaction } from './transactions.js';
import type { Client } from '../client.js';
import type { RedSim } from '../server.js';

const NO_PASSWORD = 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?';
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

function helloReply(server: RedSim, c: Client): Reply {
  void server;
  return map([
    [bulk('server'), bulk('redis')], [bulk('version'), bulk('7.0.15')], [bulk('proto'), int(c.resp)],
    [bulk('id'), int(c.id)], [bulk('mode'), bulk('standalone')], [bulk('role'), bulk('master')], [bulk('modules'), array([])],
  ]);
}

/** One CLIENT LIST / CLIENT INFO line, with Redis's fields in Redis's order. */
export function clientLine(server: RedSim, c: Client): string {
  const now = server.clock.now();
  const flags = (c.multi ? 'x' : '') + (c.blocked ? 'b' : '') + (c.dirtyCas ? 'd' : '') || 'N';
  const cmd = c.lastCommand;
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=8 name=${c.name} age=${Math.floor((now - c.createdAt) / 1000)} ` +
    `idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flags} db=${c.db.id} sub=0 psub=0 ssub=0 ` +
    `multi=${c.multi ? c.queue.length : -1} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 ` +
    `tot-mem=0 events=r cmd=${cmd} user=default redir=-1 resp=${c.resp}`;
}

function validName(n: string): boolean {
  for (let i = 0; i < n.length; i++) { const ch = n.charCodeAt(i); if (ch < 33 || ch > 126) return false; }
  return true;
}

registerAll({
  ping(ctx, argv) {
    if (argv.length > 2) return err("ERR wrong number of arguments for 'ping' command");
    return argv.length === 2 ? bulk(argv[1]) : PONG;
  },
  echo(_ctx, argv) { return bulk(argv[1]); },
  select(ctx, argv) {
    const n = parseLongLongNum(argv[1]);
    if (n === null) return err(E.NOT_INT);
    if (n < 0 || n >= ctx.server.dbs.length) return err(E.DB_INDEX);
    ctx.client.db = ctx.server.dbs[n];
    return OK;
  },
  quit(ctx) { ctx.client.closeAfterReply = true; return OK; },
  auth(_ctx, argv) {
    if (argv.length > 3) return err(E.SYNTAX);
    if (argv.length === 2) return err(NO_PASSWORD);
    return argv[1] === 'default' ? OK : err(WRONGPASS);
  },
  reset(ctx) {
    const c = ctx.client;
    discardTransaction(c);
    ctx.server.unwatchAll(c);
    c.db = ctx.server.dbs[0];
    c.resp = 2;
    c.name = '';
    return status('RESET');
  },
  hello(ctx, argv) {
    const c = ctx.client;
    let ver = c.resp as number;
    let i = 1;
    if (argv.length >= 2) {
      const v = parseLongLongNum(argv[1]);
      if (v === null) return err('ERR Protocol version is not an integer or out of range');
      if (v < 2 || v > 3) return err('NOPROTO unsupported protocol version');
      ver = v;
      i = 2;
    }
    let name: string | undefined;
    for (; i < argv.length; i++) {
      const opt = argv[i].toLowerCase();
      const more = argv.length - i - 1;
      if (opt === 'auth' && more >= 2) {
        if (argv[i + 1] !== 'default') return err(WRONGPASS);
        i += 2;
      } else if (opt === 'setname' && more >= 1) {
        name = argv[++i];
        if (!validName(name)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
      } else {
        return err(`ERR Syntax error in HELLO option '${argv[i]}'`);
      }
    }
    if (name !== undefined) c.name = name;
    c.resp = ver as 2 | 3;
    return helloReply(ctx.server, c);
  },
  'client|id'(ctx) { return int(ctx.client.id); },
  'client|getname'(ctx) { return bulkOrNil(ctx.client.name || null); },
  'client|setname'(ctx, argv) {
    if (!validName(argv[2])) return err('ERR Client names cannot contain spaces, newlines or special characters.');
    ctx.client.name = argv[2];
    return OK;
  },
  'client|info'(ctx) { return verbatim(clientLine(ctx.server, ctx.client) + '\n'); },
  'client|list'(ctx, argv) {
    let clients = [...ctx.server.clients.values()];
    if (argv.length > 2) {
      const opt = argv[2].toLowerCase();
      if (opt === 'type' && argv.length === 4) {
        const t = argv[3].toLowerCase();
        if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return err(`ERR Unknown client type '${argv[3]}'`);
        if (t !== 'normal') clients = [];
      } else if (opt === 'id' && argv.length >= 4) {
        const ids = new Set<number>();
        for (const a of argv.slice(3)) {
          const n = parseLongLongNum(a);
          if (n === null || n <= 0) return err('ERR Invalid client ID');
          ids.add(n);
        }
        clients = clients.filter((c) => ids.has(c.id));
      } else return err(E.SYNTAX);
    }
    return verbatim(clients.map((c) => clientLine(ctx.server, c) + '\n').join(''));
  },
  'client|kill'(ctx, argv) {
    const all = [...ctx.server.clients.values()];
    if (argv.length === 3) {
      const target = all.find((c) => c.addr === argv[2]);
      if (!target) return err('ERR No such client');
      kill(ctx.server, target);
      return OK;
    }
    if (argv.length % 2 !== 0) return err(E.SYNTAX);
    let matches = all;
    let skipme = true;
    for (let i = 2; i < argv.length; i += 2) {
      const opt = argv[i].toLowerCase();
      const val = argv[i + 1];
      if (opt === 'id') {
        const n = parseLongLongNum(val);
        if (n === null || n <= 0) return err('ERR client-id should be greater than 0');
        matches = matches.filter((c) => c.id === n);
      } else if (opt === 'addr') matches = matches.filter((c) => c.addr === val);
      else if (opt === 'laddr') matches = matches.filter((c) => c.laddr === val);
      else if (opt === 'type') {
        const t = val.toLowerCase();
        if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return err(`ERR Unknown client type '${val}'`);
        if (t !== 'normal') matches = [];
      } else if (opt === 'user') matches = val === 'default' ? matches : [];
      else if (opt === 'skipme') {
        const v = val.toLowerCase();
        if (v !== 'yes' && v !== 'no') return err(E.SYNTAX);
        skipme = v === 'yes';
      } else return err(E.SYNTAX);
    }
    if (skipme) matches = matches.filter((c) => c !== ctx.client);
    for (const c of matches) kill(ctx.server, c);
    return int(matches.length);
  },
  'client|no-evict'(_ctx, argv) {
    const v = argv[2].toLowerCase();
    return v === 'on' || v === 'off' ? OK : err(E.SYNTAX);
  },
  'client|getredir'() { return int(-1); },
  'client|unblock'(ctx, argv) {
    const id = parseLongLongNum(argv[2]);
    if (id === null) return err(E.NOT_INT);
    let mode = 'timeout';
    if (argv.length === 4) {
      mode = argv[3].toLowerCase();
      if (mode !== 'timeout' && mode !== 'error') return err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    } else if (argv.length > 4) return err(E.SYNTAX);
    const target = ctx.server.clients.get(id);
    if (!target || !target.blocked) return int(0);
    target.blocked.cancel(mode === 'error' ? err('UNBLOCKED client unblocked via CLIENT UNBLOCK') : undefined);
    return int(1);
  },
});

/** Close a client: the front end sees closeAfterReply/closed and drops the connection. */
function kill(server: RedSim, c: Client): void {
  c.closeAfterReply = true;
  server.closeClient(c);
  (c as Client & { onKill?: () => void }).onKill?.();
}
