/**
 * The sorted-set command group. Handlers live in zset-*.ts and register
 * themselves on import; the data structure is src/types/zset.ts.
 */
import './zset-basic.js';
import './zset-range.js';
import './zset-setops.js';
import './zset-pop.js';
