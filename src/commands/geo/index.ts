/**
 * The geo command group: members of a sorted set whose scores are 52-bit geohash
 * cells (geohash.ts), searched cell by cell (area.ts, search.ts).
 */
import './commands.js';
import './search.js';
