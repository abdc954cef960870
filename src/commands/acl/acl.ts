/** ACL subcommands (acl.c aclCommand). AUTH and HELLO live with the connection commands. */
import { registerAll } from '../registry.js';
import { OK, NIL, array, bulk, bulks, double, err, int, map, set, type Reply } from '../../reply.js';
import { lookupCommand, allSpecs } from '../table.js';
import { arityOk } from '../../executor.js';
import { parseLongLongNum } from '../../util/float.js';
import { subcommandSyntaxError } from '../server/debug.js';
import { cstr } from '../../util/bytes.js';
import type { Ctx } from '../../context.js';
import {
  CATEGORIES, categoryByName, inCategory, hasSpaces, describeUser, describeCommandRules, patternString, userFlags,
  type Selector,
} from '../../acl/user.js';
import { checkCommand } from '../../acl/check.js';

const NO_ACLFILE = 'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ' +
  'ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to ' +
  'store users in the Redis configuration.';
const GENPASS_MAX_BITS = 4096;
const NOT_INT = 'ERR value is not an integer or out of range';

/** Error texts go out through addReplyErrorSds: CR/LF become spaces. */
function safeErr(msg: string): Reply {
  return err(('ERR ' + msg).replace(/[\r\n]/g, ' '));
}

/** aclAddReplySelectorDescription: commands, keys, channels. */
function selectorFields(sel: Selector): Array<[Reply, Reply]> {
  return [
    [bulk('commands'), bulk(describeCommandRules(sel))],
    [bulk('keys'), bulk(sel.allKeys ? '~*' : sel.patterns.map(patternString).join(' '))],
    [bulk('channels'), bulk(sel.allChannels ? '&*' : sel.channels.map((c) => '&' + c).join(' '))],
  ];
}

/** getLongFromObjectOrReply: a long, or null. */
function parseLong(s: string): number | bigint | null {
  const n = parseLongLongNum(s);
  return n;
}

function aclLog(ctx: Ctx, argv: string[]): Reply {
  const acl = ctx.server.acl;
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === 'reset') { acl.log = []; return OK; }
    const n = parseLong(argv[2]);
    if (n === null) return err(NOT_INT);
    count = Number(n) < 0 ? 0 : Number(n);
  }
  const now = ctx.server.clock.now();
  const out: Reply[] = [];
  for (const e of acl.log.slice(0, Math.min(count, acl.log.length))) {
    out.push(map([
      [bulk('count'), int(e.count)],
      [bulk('reason'), bulk(e.reason)],
      [bulk('context'), bulk(e.context)],
      [bulk('object'), bulk(e.object)],
      [bulk('username'), bulk(e.username)],
      [bulk('age-seconds'), double((now - e.ctime) / 1000)],
      [bulk('client-info'), bulk(e.cinfo)],
    ]));
  }
  return array(out);
}

function aclDryrun(ctx: Ctx, argv: string[]): Reply {
  const u = ctx.server.acl.users.get(argv[2]);
  if (!u) return err(`ERR User '${cstr(argv[2])}' not found`);
  const args = argv.slice(3);
  const spec = lookupCommand(args);
  if (!spec) return err(`ERR Command '${cstr(argv[3])}' not found`);
  if (!arityOk(spec, args.length)) return err(`ERR wrong number of arguments for '${spec.fullname}' command`);
  const d = checkCommand(u, spec, args);
  if (!d) return OK;
  if (d.denied === 'command') return bulk(`This user has no permissions to run the '${spec.fullname}' command`);
  return bulk(`This user has no permissions to access the '${cstr(args[d.pos])}' ${d.denied}`);
}

registerAll({
  'acl|setuser'(ctx, argv) {
    const name = argv[2];
    if (hasSpaces(name)) return err("ERR Usernames can't contain spaces or null characters");
    const e = ctx.server.acl.setUser(name, argv.slice(3));
    return e === null ? OK : safeErr(e);
  },
  'acl|deluser'(ctx, argv) {
    if (argv.slice(2).some((n) => n === 'default')) return err("ERR The 'default' user cannot be removed");
    let deleted = 0;
    for (const n of argv.slice(2)) if (ctx.server.acl.deleteUser(n, ctx.client)) deleted++;
    return int(deleted);
  },
  'acl|getuser'(ctx, argv) {
    const u = ctx.server.acl.users.get(argv[2]);
    if (!u) return NIL;
    const fields: Array<[Reply, Reply]> = [
      [bulk('flags'), set(userFlags(u).map((f) => bulk(f)))],
      [bulk('passwords'), bulks(u.passwords)],
      ...selectorFields(u.root),
      [bulk('selectors'), array(u.selectors.slice(1).map((s) => map(selectorFields(s))))],
    ];
    return map(fields);
  },
  'acl|list'(ctx, argv) {
    if (argv.length !== 2) return subcommandSyntaxError(argv[0].toUpperCase(), argv[1]);
    return bulks(ctx.server.acl.sortedUsers().map((u) => `user ${u.name} ${describeUser(u)}`));
  },
  'acl|users'(ctx, argv) {
    if (argv.length !== 2) return subcommandSyntaxError(argv[0].toUpperCase(), argv[1]);
    return bulks(ctx.server.acl.sortedUsers().map((u) => u.name));
  },
  'acl|whoami'(ctx) { return bulk(ctx.client.user.name); },
  'acl|load'(ctx) {
    const acl = ctx.server.acl;
    if (acl.filename === '') return err(NO_ACLFILE);
    const e = acl.loadFromFile(ctx.client);
    return e === null ? OK : err('ERR ' + e);
  },
  'acl|save'(ctx) {
    const acl = ctx.server.acl;
    if (acl.filename === '') return err(NO_ACLFILE);
    return acl.saveToFile() ? OK
      : err('ERR There was an error trying to save the ACLs. Please check the server logs for more information');
  },
  'acl|cat'(_ctx, argv) {
    if (argv.length === 2) return bulks([...CATEGORIES]);
    if (argv.length !== 3) return subcommandSyntaxError(argv[0].toUpperCase(), argv[1]);
    const cat = categoryByName(cstr(argv[2]));
    if (!cat) return err(`ERR Unknown category '${cstr(argv[2]).slice(0, 128)}'`);
    return bulks(allSpecs().filter((s) => inCategory(s, cat)).map((s) => s.fullname));
  },
  'acl|genpass'(ctx, argv) {
    if (argv.length > 3) return subcommandSyntaxError(argv[0].toUpperCase(), argv[1]);
    let bits = 256;
    if (argv.length === 3) {
      const n = parseLong(argv[2]);
      if (n === null) return err(NOT_INT);
      bits = Number(n);
    }
    if (bits <= 0 || bits > GENPASS_MAX_BITS) {
      return err(`ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${GENPASS_MAX_BITS}`);
    }
    const chars = Math.floor((bits + 3) / 4);
    let out = '';
    for (let i = 0; i < chars; i++) out += '0123456789abcdef'[ctx.server.random.int(16)];
    return bulk(out);
  },
  'acl|log'(ctx, argv) {
    if (argv.length > 3) return subcommandSyntaxError(argv[0].toUpperCase(), argv[1]);
    return aclLog(ctx, argv);
  },
  'acl|dryrun': aclDryrun,
});
