/** FUNCTION subcommands and FCALL / FCALL_RO (Redis 7.0 functions.c). */
import { registerAll } from '../registry.js';
import { OK, err, bulk } from '../../reply.js';
import { functionsOf } from '../../scripting/functions.js';
import { killRunningScript } from '../../scripting/engine.js';

const subSyntax = (argv: string[]) =>
  err(`ERR unknown subcommand or wrong number of arguments for '${argv[1].slice(0, 128)}'. Try FUNCTION HELP.`);

registerAll({
  fcall: (ctx, argv) => functionsOf(ctx.server).fcall(ctx, argv, false),
  fcall_ro: (ctx, argv) => functionsOf(ctx.server).fcall(ctx, argv, true),

  'function|load'(ctx, argv) {
    let replace = false;
    let pos = 2;
    while (pos < argv.length - 1) {
      const a = argv[pos++];
      if (a.toLowerCase() === 'replace') { replace = true; continue; }
      return err(`ERR Unknown option given: ${a}`);
    }
    if (pos >= argv.length) return err('ERR Function code is missing');
    const r = functionsOf(ctx.server).create(argv[pos], replace);
    if ('err' in r) return err('ERR ' + r.err);
    return bulk(r.name);
  },

  'function|list': (ctx, argv) => functionsOf(ctx.server).list(argv),

  'function|delete'(ctx, argv) {
    const f = functionsOf(ctx.server);
    const lib = f.libraries.get(argv[2]);
    if (!lib) return err('ERR Library not found');
    f.deleteLibrary(lib);
    return OK;
  },

  'function|flush'(ctx, argv) {
    if (argv.length > 3) return subSyntax(argv);
    if (argv.length === 3) {
      const m = argv[2].toLowerCase();
      if (m !== 'sync' && m !== 'async') return err('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    functionsOf(ctx.server).clear();
    return OK;
  },

  'function|dump': (ctx) => functionsOf(ctx.server).dump(),

  'function|restore'(ctx, argv) {
    if (argv.length > 4) return subSyntax(argv);
    return functionsOf(ctx.server).restore(argv);
  },

  'function|stats': (ctx) => functionsOf(ctx.server).stats(),

  'function|kill': (ctx) => killRunningScript(ctx.server, false),
});
