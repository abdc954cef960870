/**
 * Ecosystem tests run libraries in-process with no listening socket anywhere and
 * no outgoing TCP connection: this counts both while a test body runs.
 */
import net from 'node:net';

export async function withoutSockets<T>(body: () => Promise<T>): Promise<{ result: T; listens: number; connects: number }> {
  const listen = net.Server.prototype.listen;
  const connect = net.Socket.prototype.connect;
  let listens = 0;
  let connects = 0;
  net.Server.prototype.listen = function (this: net.Server, ...a: unknown[]) { listens++; return (listen as (...x: unknown[]) => net.Server).apply(this, a); } as typeof listen;
  net.Socket.prototype.connect = function (this: net.Socket, ...a: unknown[]) { connects++; return (connect as (...x: unknown[]) => net.Socket).apply(this, a); } as typeof connect;
  try {
    const result = await body();
    return { result, listens, connects };
  } finally {
    net.Server.prototype.listen = listen;
    net.Socket.prototype.connect = connect;
  }
}
