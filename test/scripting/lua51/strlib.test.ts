/** Lua 5.1 string library (patterns, gsub, format-free functions) against redis-server 7.0.15. */
import { describeFixture } from './stdlib-fixture.js';

describeFixture('Lua 5.1 string library vs redis 7.0.15', ['string'], 150);
