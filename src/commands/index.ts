/** Importing this module registers every command handler. */
import './transactions.js';
import './connection.js';
import './server.js';
import './string.js';
import './generic.js';
import './hash.js';
import './list.js';
import './set.js';
import './zset.js';
import './sort.js';
import './bitmap.js';
import './hyperloglog.js';
import './scripting.js';
import './functions.js';
import './unsupported.js';
import './help.js';
