/** Stream commands (t_stream.c); importing registers them. */
import './add.js';
import './range.js';
import './read.js';
import './group.js';
import './pending.js';
import './info.js';
