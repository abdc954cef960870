/**
 * Generator for src/commands/table.json: asks a real Redis 7.0 for COMMAND INFO and
 * COMMAND DOCS over RESP3 and stores the replies as Reply trees, so that COMMAND
 * INFO/DOCS can be answered byte-exactly and the executor can read arity, flags and
 * key positions from data.
 *
 * It also writes src/config-defaults.json from CONFIG GET * (run it against a
 * server started without a config file).
 *
 * Usage: npm run gen:commands -- [port] [host]   (default 127.0.0.1:6379)
 */
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Reply } from '../reply.js';
import { ReplyReader } from '../resp/reply-reader.js';



async function query(port: number, host: string, cmds: string[][]): Promise<Reply[]> {
  const sock = net.connect(port, host);
  const reader = new ReplyReader();
  const out: Reply[] = [];
  return new Promise((resolve, reject) => {
    sock.on('error', reject);
    sock.on('data', (d) => {
      reader.push(d);
      for (let r = reader.next(); r; r = reader.next()) {
        out.push(r);
        if (out.length === cmds.length) { sock.end(); resolve(out); }
      }
    });
    for (const c of cmds) sock.write(`*${c.length}\r\n` + c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
  });
}

async function main() {
  const port = Number(process.argv[2] ?? 6379);
  const host = process.argv[3] ?? '127.0.0.1';
  const [hello, info, docs, cfg] = await query(port, host, [['HELLO', '3'], ['COMMAND', 'INFO'], ['COMMAND', 'DOCS'], ['CONFIG', 'GET', '*']]);
  if (hello.t !== 'map') throw new Error('HELLO 3 failed');
  const version = hello.v.find(([k]) => k.t === 'bulk' && k.v === 'version')?.[1];
  if (info.t !== 'array' || docs.t !== 'map') throw new Error('unexpected COMMAND replies');
  const byName = (r: Reply) => (r.t === 'array' && r.v[0].t === 'bulk' ? r.v[0].v : '');
  // Redis lists commands and subcommands in hash-table order, which changes from run to
  // run; sort them so that regenerating the table gives the same file.
  const sortSubs = (r: Reply): Reply => {
    if (r.t !== 'array' || r.v[9]?.t !== 'array') return r;
    const subs = r.v[9].v.slice().sort((a, b) => (byName(a) < byName(b) ? -1 : 1));
    return { t: 'array', v: [...r.v.slice(0, 9), { t: 'array', v: subs }, ...r.v.slice(10)] };
  };
  const sortDocSubs = (d: Reply): Reply => {
    if (d.t !== 'map') return d;
    return { t: 'map', v: d.v.map(([k, v]) => (k.t === 'bulk' && k.v === 'subcommands' && v.t === 'map'
      ? [k, { t: 'map', v: v.v.slice().sort(([a], [b]) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1)).map(([sk, sv]) => [sk, sortDocSubs(sv)] as [Reply, Reply]) }]
      : [k, v]) as [Reply, Reply]) };
  };
  const commands = info.v.slice().sort((a, b) => (byName(a) < byName(b) ? -1 : 1)).map(sortSubs);
  const docMap: Record<string, Reply> = {};
  for (const [k, v] of [...docs.v].sort(([a], [b]) => ((a as { v: string }).v < (b as { v: string }).v ? -1 : 1))) if (k.t === 'bulk') docMap[k.v] = sortDocSubs(v);
  // The HELP replies of container commands (CONFIG HELP, OBJECT HELP, ...), byte-exact.
  const withHelp = commands.filter((c) => c.t === 'array' && c.v[9]?.t === 'array' && c.v[9].v.some((s) => s.t === 'array' && s.v[0].t === 'bulk' && s.v[0].v.endsWith('|help')));
  const helpReplies = await query(port, host, withHelp.map((c) => [byName(c), 'HELP']));
  const help: Record<string, Reply> = {};
  withHelp.forEach((c, i) => { help[byName(c)] = helpReplies[i]; });
  const out = {
    help,
    generatedFrom: `redis ${version && version.t === 'bulk' ? version.v : '?'}`,
    generator: 'src/commands/gen-table.ts (npm run gen:commands -- PORT)',
    info: commands,
    docs: docMap,
  };
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/src/commands -> src/commands
  const target = path.resolve(here, '../../../src/commands/table.json');
  writeFileSync(target, JSON.stringify(out));
  console.log(`wrote ${commands.length} commands to ${target}`);
  // CONFIG GET * of a server started without a config file: the default of every parameter.
  if (cfg.t !== 'map') throw new Error('unexpected CONFIG GET reply');
  const defaults: Record<string, string> = {};
  for (const [k, v] of cfg.v) if (k.t === 'bulk' && v.t === 'bulk') defaults[k.v] = v.v;
  // Values that describe how the generator's server was started, not Redis's defaults.
  Object.assign(defaults, { port: '6379', daemonize: 'no', logfile: '', pidfile: '', dir: '/', bind: '127.0.0.1', save: '' });
  const cfgTarget = path.resolve(here, '../../../src/config-defaults.json');
  writeFileSync(cfgTarget, JSON.stringify(defaults, Object.keys(defaults).sort(), 1) + '\n');
  console.log(`wrote ${Object.keys(defaults).length} config defaults to ${cfgTarget}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
