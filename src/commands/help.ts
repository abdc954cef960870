/**
 * `<container> HELP` for every container command, replied from the byte-exact
 * replies captured in table.json. Imported last, so a group module may still
 * register its own HELP handler.
 */
import { HANDLERS, register } from './registry.js';
import { HELP_REPLIES } from './table.js';

for (const [name, reply] of Object.entries(HELP_REPLIES)) {
  if (!HANDLERS.has(`${name}|help`)) register(`${name}|help`, () => reply);
}
