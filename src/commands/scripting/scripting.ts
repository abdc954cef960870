/** EVAL family and SCRIPT subcommands (Redis 7.0 eval.c). */
import { registerAll } from '../registry.js';
import { OK, err, array, int } from '../../reply.js';
import { evalScriptsOf } from '../../scripting/eval.js';
import { killRunningScript } from '../../scripting/engine.js';

registerAll({
  eval: (ctx, argv) => evalScriptsOf(ctx.server).eval(ctx, argv, false, false),
  evalsha: (ctx, argv) => evalScriptsOf(ctx.server).eval(ctx, argv, true, false),
  eval_ro: (ctx, argv) => evalScriptsOf(ctx.server).eval(ctx, argv, false, true),
  evalsha_ro: (ctx, argv) => evalScriptsOf(ctx.server).eval(ctx, argv, true, true),

  'script|load': (ctx, argv) => evalScriptsOf(ctx.server).load(argv[2]),

  'script|exists'(ctx, argv) {
    const s = evalScriptsOf(ctx.server);
    const out = [];
    // the cache is keyed case-insensitively (dictStrCaseHash / case compare)
    for (let j = 2; j < argv.length; j++) out.push(int(s.scripts.has(argv[j].toLowerCase()) ? 1 : 0));
    return array(out);
  },

  'script|flush'(ctx, argv) {
    if (argv.length === 3) {
      const m = argv[2].toLowerCase();
      if (m !== 'sync' && m !== 'async') return err('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    } else if (argv.length !== 2) {
      return err('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    }
    evalScriptsOf(ctx.server).reset();
    return OK;
  },

  'script|kill': (ctx) => killRunningScript(ctx.server, true),

  'script|debug'(_ctx, argv) {
    const m = argv[2].toLowerCase();
    if (m === 'no') return OK;
    if (m === 'yes' || m === 'sync') {
      return err('ERR redsim does not support the Lua debugger (SCRIPT DEBUG YES|SYNC)');
    }
    return err('ERR Use SCRIPT DEBUG YES/SYNC/NO');
  },
});
