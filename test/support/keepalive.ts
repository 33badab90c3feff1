/** Whether an app keeps an idle HTTP/1.1 connection open as long as the proxy expects. */
import * as http from "http";
import { DjangoImageContract } from "../../constructs";

/**
 * Two GETs of `urlPath` on one kept-alive connection, the second after the connection sat idle
 * for as long as the proxy keeps one (plus a second): the statuses, and whether the second
 * request went out on the same connection (false: the app had closed it in the meantime).
 */
export async function idleConnectionKept(
  port: number,
  urlPath: string,
): Promise<{ statuses: number[]; reused: boolean }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
      const req = http.get({ host: "127.0.0.1", port, path: urlPath, agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      });
      req.on("timeout", () => req.destroy(new Error(`GET ${urlPath}: no answer within 10 s`)));
      req.on("error", reject);
    });
  try {
    const first = await once();
    await new Promise((r) => setTimeout(r, (DjangoImageContract.proxyKeepaliveSeconds + 1) * 1000));
    const second = await once();
    return { statuses: [first.status, second.status], reused: second.reused };
  } finally {
    agent.destroy();
  }
}
