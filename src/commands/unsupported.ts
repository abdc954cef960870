/**
 * Commands Redis 7.0 has that redsim does not implement. Each answers with an error
 * naming the command (see registry.unsupportedReply), never a silent wrong reply.
 */
import { unsupported } from './registry.js';

unsupported(['psync', 'sync', 'replconf', 'replicaof', 'slaveof', 'role', 'wait', 'failover'], 'replication is not simulated');
unsupported(['config|rewrite', 'migrate', 'restore-asking'], 'there is no persistence or server process to manage');
unsupported(['module|list', 'module|load', 'module|loadex', 'module|unload'], 'modules cannot be loaded');
unsupported(['geoadd', 'geodist', 'geohash', 'geopos', 'georadius', 'georadius_ro', 'georadiusbymember',
  'georadiusbymember_ro', 'geosearch', 'geosearchstore'], 'geo commands are not implemented yet');
unsupported(['pfdebug', 'pfselftest'], 'HyperLogLog debugging commands are not simulated');
