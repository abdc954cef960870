/** Importing this module registers every command handler. */
import './transactions/transactions.js';
import './connection/connection.js';
import './server/server.js';
import './string/string.js';
import './generic/generic.js';
import './hash/hash.js';
import './list/list.js';
import './set/set.js';
import './zset/index.js';
import './sort/sort.js';
import './bitmap/bitmap.js';
import './hyperloglog/hyperloglog.js';
import './stream/index.js';
import './scripting/scripting.js';
import './scripting/functions.js';
import './unsupported.js';
import './help.js';
