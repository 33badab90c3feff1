/**
 * Prints the bad-input table's counts without jest:
 * `node --require sucrase/register/ts test/inputs/summary.ts [--messages]` (exit 1 when any case is
 * "other"; `--messages` lists every case with the message that refused it).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runInProcessCases, runProcessCases, summary } from "./harness";

async function main(): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
  try {
    const [a, b] = await Promise.all([runInProcessCases(scratch), runProcessCases(scratch)]);
    const { text, other } = summary(new Map([...a, ...b]), process.argv.includes("--messages"));
    console.log(text);
    return other === 0 ? 0 : 1;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then((code) => (process.exitCode = code));
