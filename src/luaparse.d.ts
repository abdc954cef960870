/** Minimal typing for luaparse (no @types package needed for the one call we make). */
declare module 'luaparse' {
  interface ParseOptions { luaVersion?: '5.1' | '5.2' | '5.3' | 'LuaJIT'; locations?: boolean; scope?: boolean; comments?: boolean }
  const luaparse: { parse(code: string, options?: ParseOptions): unknown };
  export default luaparse;
}
