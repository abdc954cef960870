/**
 * Redis's stringmatchlen(): the glob used by KEYS, SCAN MATCH, CONFIG GET, PSUBSCRIBE...
 * Supports *, ?, [abc], [^a], [a-z], backslash escapes and a nocase flag.
 *
 * Byte strings are latin1 JS strings. C compares `char` values, which are signed on
 * x86-64, so range bounds and subjects >= 0x80 compare as negative numbers here too.
 */

/** Signed C char value of the byte at i (0 past the end, like the NUL terminator). */
function sc(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  return c >= 128 ? c - 256 : c;
}

/** C tolower() in the C locale: only A-Z change. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

interface State { skipLonger: boolean }

function match(p: string, pi: number, plen: number, s: string, si: number, slen: number, nocase: boolean, st: State): boolean {
  while (plen > 0 && slen > 0) {
    const pc = p.charCodeAt(pi);
    if (pc === 42 /* * */) {
      while (plen > 0 && sc(p, pi + 1) === 42) { pi++; plen--; }
      if (plen === 1) return true;
      while (slen > 0) {
        if (match(p, pi + 1, plen - 1, s, si, slen, nocase, st)) return true;
        // A later '*' already failed from every position: longer matches here cannot help.
        if (st.skipLonger) return false;
        si++; slen--;
      }
      st.skipLonger = true;
      return false;
    } else if (pc === 63 /* ? */) {
      si++; slen--;
    } else if (pc === 91 /* [ */) {
      pi++; plen--;
      const not = sc(p, pi) === 94; // ^
      if (not) { pi++; plen--; }
      let matched = false;
      const c0 = sc(s, si);
      for (;;) {
        const cur = sc(p, pi);
        if (cur === 92 /* \ */ && plen >= 2) {
          pi++; plen--;
          if (sc(p, pi) === c0) matched = true;
        } else if (cur === 93 /* ] */) {
          break;
        } else if (plen === 0) {
          // Unterminated class: step back so the outer advance lands on the end.
          pi--; plen++;
          break;
        } else if (plen >= 3 && sc(p, pi + 1) === 45 /* - */) {
          let start = cur;
          let end = sc(p, pi + 2);
          let c = c0;
          if (start > end) { const t = start; start = end; end = t; }
          if (nocase) { start = lower(start); end = lower(end); c = lower(c); }
          pi += 2; plen -= 2;
          if (c >= start && c <= end) matched = true;
        } else if (!nocase) {
          if (cur === c0) matched = true;
        } else if (lower(cur) === lower(c0)) {
          matched = true;
        }
        pi++; plen--;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      si++; slen--;
    } else {
      if (pc === 92 /* \ */ && plen >= 2) { pi++; plen--; }
      const a = sc(p, pi);
      const b = sc(s, si);
      if (nocase ? lower(a) !== lower(b) : a !== b) return false;
      si++; slen--;
    }
    pi++; plen--;
    if (slen === 0) {
      while (sc(p, pi) === 42 && pi < p.length) { pi++; plen--; }
      break;
    }
  }
  return plen === 0 && slen === 0;
}

/** Redis stringmatchlen(pattern, string, nocase): true when `s` matches the glob `pattern`. */
export function globMatch(pattern: string, s: string, nocase = false): boolean {
  return match(pattern, 0, pattern.length, s, 0, s.length, nocase, { skipLonger: false });
}
