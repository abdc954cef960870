/**
 * The sorted-set command group. Handlers live in the files beside this one and register
 * themselves on import; the data structure is src/types/zset.ts.
 */
import './basic.js';
import './range.js';
import './setops.js';
import './pop.js';
