/** Lua 5.1 table library and unpack/select/tostring/tonumber against redis-server 7.0.15. */
import { describeFixture } from './stdlib-fixture.js';

describeFixture('Lua 5.1 table library and unpack/select/tostring/tonumber vs redis 7.0.15', ['table', 'misc'], 150);
