/**
 * The four C libraries Redis 7.0 preloads into its Lua state, as globals
 * cjson, cmsgpack, bit and struct.
 */
import { lua, type LuaState, setTableNext, hasTableNext51 } from './lua-api.js';
import { pushCjsonLib } from './cjson.js';
import { pushCmsgpackLib } from './cmsgpack.js';
import { pushBitLib } from './bit.js';
import { pushStructLib } from './struct.js';
import { luaNext51 } from '../lua51/table-order.js';

// cjson/cmsgpack traverse tables in Lua 5.1 order (setTableNext(null) = fengari's lua_next).
setTableNext(luaNext51);

export { setTableNext, hasTableNext51 };
export { formatG, strtod } from './lua-api.js';

/** Sets the globals cjson, cmsgpack, bit and struct in L. */
export function openRedisLibs(L: LuaState): void {
  const libs: Array<[string, (L: LuaState) => unknown]> = [
    ['cjson', pushCjsonLib],
    ['struct', pushStructLib],
    ['cmsgpack', pushCmsgpackLib],
    ['bit', pushBitLib],
  ];
  for (const [name, push] of libs) {
    push(L);
    lua.lua_setglobal(L, name);
  }
}
