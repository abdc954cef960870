/** CLIENT TRACKING / CACHING / TRACKINGINFO / GETREDIR (client-side caching, src/pubsub/tracking.ts). */
import { registerAll } from '../registry.js';
import { OK, err, int, bulk, bulks, map, set, seq, E, type Reply } from '../../reply.js';

const NOT_INT = 'ERR value is not an integer or out of range';

function parseLongLong(s: string): bigint | null {
  if (!/^-?(0|[1-9][0-9]*)$/.test(s) || s === '-0') return null;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : null;
}

registerAll({
  'client|tracking'(ctx, argv) {
    const c = ctx.client;
    const clients = ctx.server.clients;
    let redir = 0n;
    const opts = { bcast: false, optin: false, optout: false, noloop: false };
    const prefixes: string[] = [];
    for (let j = 3; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const a = argv[j].toLowerCase();
      if (a === 'redirect' && more) {
        j++;
        if (redir !== 0n) return err('ERR A client can only redirect to a single other client');
        const n = parseLongLong(argv[j]);
        if (n === null) return err(NOT_INT);
        redir = n;
        const target = n > 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? clients.get(Number(n)) : undefined;
        if (!target || target.closed) return err('ERR The client ID you want redirect to does not exist');
      } else if (a === 'bcast') opts.bcast = true;
      else if (a === 'optin') opts.optin = true;
      else if (a === 'optout') opts.optout = true;
      else if (a === 'noloop') opts.noloop = true;
      else if (a === 'prefix' && more) prefixes.push(argv[++j]);
      else return err(E.SYNTAX);
    }
    const mode = argv[2].toLowerCase();
    if (mode === 'on') {
      if (!opts.bcast && prefixes.length) return err('ERR PREFIX option requires BCAST mode to be enabled');
      const t = c.tracking;
      if (t !== null && t.bcast !== opts.bcast) {
        return err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
      }
      if (opts.bcast && (opts.optin || opts.optout)) return err('ERR OPTIN and OPTOUT are not compatible with BCAST');
      if (opts.optin && opts.optout) return err("ERR You can't specify both OPTIN mode and OPTOUT mode");
      if ((opts.optin && t?.optout) || (opts.optout && t?.optin)) {
        return err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
      }
      let replies: Reply[] | null = null;
      if (opts.bcast) {
        const coll = ctx.server.tracking.prefixCollision(c, prefixes);
        if (coll) {
          if (!coll.stillEnable) return err(coll.error);
          replies = [err(coll.error)];
        }
      }
      ctx.server.tracking.enable(c, Number(redir), opts, prefixes);
      return replies ? seq([...replies, OK]) : OK;
    }
    if (mode === 'off') {
      ctx.server.tracking.disable(c);
      return OK;
    }
    return err(E.SYNTAX);
  },

  'client|caching'(ctx, argv) {
    const t = ctx.client.tracking;
    if (t === null) return err('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
    const o = argv[2].toLowerCase();
    if (o === 'yes') {
      if (!t.optin) return err('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
    } else if (o === 'no') {
      if (!t.optout) return err('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
    } else return err(E.SYNTAX);
    t.caching = true;
    return OK;
  },

  'client|getredir'(ctx) {
    const t = ctx.client.tracking;
    return int(t !== null ? t.redirect : -1);
  },

  'client|trackinginfo'(ctx) {
    const t = ctx.client.tracking;
    const flags: string[] = [t !== null ? 'on' : 'off'];
    if (t !== null) {
      if (t.bcast) flags.push('bcast');
      if (t.optin) { flags.push('optin'); if (t.caching) flags.push('caching-yes'); }
      if (t.optout) { flags.push('optout'); if (t.caching) flags.push('caching-no'); }
      if (t.noloop) flags.push('noloop');
      if (t.brokenRedir) flags.push('broken_redirect');
    }
    const prefixes = t !== null ? [...t.prefixes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) : [];
    return map([
      [bulk('flags'), set(flags.map(bulk))],
      [bulk('redirect'), int(t !== null ? t.redirect : -1)],
      [bulk('prefixes'), bulks(prefixes)],
    ]);
  },
});
