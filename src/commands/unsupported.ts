/**
 * Commands Redis 7.0 has that redsim does not implement. Each answers with an error
 * naming the command (see registry.unsupportedReply), never a silent wrong reply.
 */
import { unsupported } from './registry.js';

unsupported(['acl|cat', 'acl|deluser', 'acl|dryrun', 'acl|genpass', 'acl|getuser', 'acl|list', 'acl|load', 'acl|log',
  'acl|save', 'acl|setuser', 'acl|users', 'acl|whoami'], 'ACLs are not simulated; every client is the default user');
unsupported(['psync', 'sync', 'replconf', 'replicaof', 'slaveof', 'role', 'wait', 'failover'], 'replication is not simulated');
unsupported(['save', 'bgsave', 'bgrewriteaof', 'config|rewrite', 'migrate', 'restore-asking'], 'there is no persistence or server process to manage');
unsupported(['module|list', 'module|load', 'module|loadex', 'module|unload'], 'modules cannot be loaded');
unsupported(['latency|doctor', 'latency|graph', 'latency|histogram', 'latency|history', 'latency|latest', 'latency|reset',
  'slowlog|get', 'slowlog|len', 'slowlog|reset', 'monitor'], 'server introspection is not simulated');
unsupported(['client|caching', 'client|tracking', 'client|trackinginfo', 'client|pause', 'client|unpause', 'client|reply'],
  'client-side caching, pausing and reply modes are not implemented yet');
unsupported(['xack', 'xadd', 'xautoclaim', 'xclaim', 'xdel', 'xgroup|create', 'xgroup|createconsumer', 'xgroup|delconsumer',
  'xgroup|destroy', 'xgroup|setid', 'xinfo|consumers', 'xinfo|groups', 'xinfo|stream', 'xlen', 'xpending', 'xrange',
  'xread', 'xreadgroup', 'xrevrange', 'xsetid', 'xtrim'], 'streams are not implemented yet');
unsupported(['pfdebug', 'pfselftest'], 'HyperLogLog debugging commands are not simulated');
