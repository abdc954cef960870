/** What trace readers (monitor.ts, aof.ts) hand to the replayer (replay.ts). */

export interface TraceEntry {
  /** 1-based line (MONITOR) or command number (AOF) in the source, for messages. */
  line: number;
  /** Which connection sent it (MONITOR: the client address; AOF: one loader client). */
  client: string;
  /** The db the command ran in, when the trace says (MONITOR): selected first if it differs. */
  db?: number;
  /** Set the virtual clock to this time (µs since the epoch) before running it. */
  timeUs?: number;
  /** The command, byte strings. */
  argv: string[];
  /**
   * For a script command (EVAL*, FCALL*) of a MONITOR trace: the commands the
   * script ran, from the `[<db> lua]` lines that followed it (Redis 7.0 replicates
   * a script's effects, not the script). Undefined where the trace cannot say (AOF).
   */
  effects?: TraceEntry[];
}

export class TraceError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}
