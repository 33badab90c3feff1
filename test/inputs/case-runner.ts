/**
 * Runs the in-process cases one by one in a child process, saying when each starts and how it
 * ended, so the harness can kill it when one hangs (a read blocked in the kernel cannot be stopped
 * from inside the process, nor in a worker thread).
 */
import { CASES, caseId, isProcessCase } from "./cases";
import { Tools } from "./tools";
import { judge } from "./verdict";

const send = (message: object): Promise<void> =>
  new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));

process.once("message", async (job: { ids: string[]; scratch: string }) => {
  const tools = new Tools(job.scratch);
  for (const c of CASES) {
    const id = caseId(c);
    if (isProcessCase(c) || !job.ids.includes(id)) continue;
    await send({ start: id });
    const started = Date.now();
    let got: { outcome?: ReturnType<typeof c.run>; thrown?: string };
    try {
      got = { outcome: c.run(tools) };
    } catch (e) {
      got = { thrown: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    const ms = Date.now() - started;
    await send({ done: id, verdict: judge(c, got, ms, "accepted" in c ? c.accepted : undefined) });
  }
  process.disconnect();
});
void send({ ready: true });
