/**
 * Running programs (execFile-style: arguments are never parsed by a shell), for the CLI, the tests
 * and the benchmarks.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { stripVTControlCharacters } from "util";

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they came, colour codes and carriage returns removed. */
  readonly output: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Killed (SIGKILL) after this long. @default 15 minutes */
  readonly timeoutMs?: number;
  /** Called with the child once it runs (to signal it, for example). */
  readonly onSpawn?: (child: ChildProcess) => void;
}

/** Without colour codes and carriage returns (progress lines). */
export function plainText(text: string): string {
  return stripVTControlCharacters(text).replace(/\r/g, "");
}

/** Runs a program; never rejects for a non-zero exit (the caller looks at `code`). */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const both: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => (out.push(b), both.push(b)));
    child.stderr.on("data", (b: Buffer) => (err.push(b), both.push(b)));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 15 * 60_000);
    options.onSpawn?.(child);
    const done = (code: number, stderrExtra = "") => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8") + stderrExtra;
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr,
        output: plainText(Buffer.concat(both).toString("utf8") + stderrExtra),
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    };
    child.on("error", (error) => done(127, String(error)));
    child.on("close", (code, signal) => done(code ?? (signal ? 128 : 1)));
    // A program that exits before reading its input closes the pipe: that is its answer, not ours to throw.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a program and returns its stdout; rejects with the tail of its output when it fails. */
export async function mustRun(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    const tail = result.output.split("\n").slice(-40).join("\n");
    throw new Error(`${path.basename(file)} ${args.join(" ")} exited ${result.code}:\n${tail}`);
  }
  return result.stdout;
}
