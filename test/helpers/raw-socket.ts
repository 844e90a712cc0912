/**
 * A request written byte for byte on a TCP socket, for what no HTTP client sends: the same header
 * twice (Node's http.request and fetch merge or refuse duplicates), or a header list in a given order.
 */
import { connect } from "node:net";

/** What came back: the status and the body (the connection is closed by the request). */
export interface RawSocketResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Sends one HTTP/1.1 request with exactly these header lines, `Connection: close` added.
 *
 * @param headers `[name, value]` pairs in order; a name may repeat (give Content-Length for a body).
 * @param body sent as is after the headers.
 */
export function rawSocketRequest(port: number, method: string, target: string, headers: ReadonlyArray<readonly [string, string]>, body = ""): Promise<RawSocketResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const head = text.indexOf("\r\n\r\n");
      let body = head === -1 ? "" : text.slice(head + 4);
      // Undo chunked transfer coding, the only one the servers under test use.
      if (/\r\ntransfer-encoding: chunked\r\n/i.test(text.slice(0, head))) {
        let out = "";
        for (let rest = body; ; ) {
          const lineEnd = rest.indexOf("\r\n");
          const size = Number.parseInt(rest.slice(0, lineEnd), 16);
          if (!(size > 0)) break;
          out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
          rest = rest.slice(lineEnd + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status, body });
    });
    const lines = [`${method} ${target} HTTP/1.1`, "Host: 127.0.0.1", ...headers.map(([name, value]) => `${name}: ${value}`), "Connection: close", "", body];
    socket.end(lines.join("\r\n"));
  });
}
