#!/usr/bin/env node
/**
 * Stands in for `src/redis-server` when Redis's Tcl suite runs in its default
 * (non-external) mode, so units tagged external:skip (acl, auth, ...) can run
 * against redsim: reads the config file the suite writes (plus `--name value`
 * arguments), serves it with redsim, and prints the log lines the suite waits
 * for. Parameters redsim does not know are ignored. Build first (npm run build).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { RedSim } = await import(path.join(root, 'dist/src/server.js'));
const { RedSimServer } = await import(path.join(root, 'dist/src/net/server.js'));
const { splitArgs } = await import(path.join(root, 'dist/src/cli/split.js'));

const argv = process.argv.slice(2);
const lines = [];
if (argv[0] && !argv[0].startsWith('--')) lines.push(...fs.readFileSync(argv.shift(), 'utf8').split('\n'));
for (let i = 0; i < argv.length; i++) {
  if (!argv[i].startsWith('--')) continue;
  const name = argv[i].slice(2);
  const vals = [];
  while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) vals.push(JSON.stringify(argv[++i]));
  lines.push(`${name} ${vals.join(' ')}`);
}
const config = {};
const users = [];
let port = 6379;
let bind = '127.0.0.1';
for (const raw of lines) {
  const line = raw.trim();
  if (!line || line.startsWith('#')) continue;
  const a = splitArgs(line);
  if (!a || a.length === 0) continue;
  const name = a[0].toLowerCase();
  if (name === 'user') { users.push(a.map((x) => (/\s/.test(x) ? JSON.stringify(x) : x)).join(' ')); continue; }
  if (name === 'port') { port = Number(a[1]); continue; }
  if (name === 'bind') { bind = a[1]; continue; }
  if (name === 'dir') { process.chdir(a[1]); continue; }
  config[name] = a.slice(1).join(' ');
}
const pid = process.pid;
process.stdout.write(`redsim shim PID: ${pid}\n`);
let sim;
try {
  const probe = new RedSim({});
  for (const k of Object.keys(config)) if (probe.config.get(k) === undefined) delete config[k];
  probe.stop();
  sim = new RedSim({ config, users });
} catch (e) {
  process.stdout.write(`# ${e.message}\n`);
  process.exit(1);
}
const server = new RedSimServer(sim);
await server.listen({ port, host: bind });
sim.startActiveExpire();
process.stdout.write(`${pid}:M * Ready to accept connections tcp\n`);
const stop = () => server.close().then(() => process.exit(0), () => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
