/**
 * Runs the bad-input table with a bound on every case, and sums it up.
 *
 * In-process cases run in a child process (`case-runner.ts`); a watchdog kills it when a case takes
 * longer than its bound (a hang: a read blocked in the kernel cannot be interrupted from inside),
 * records that case as "other" and starts a new child for the rest.
 * Process cases run `scripts/cli.ts` in a scratch project (code linked from this repository,
 * `main.ts` and `scripts/cli.ts` copied so that they take the scratch directory as the project
 * root), in their own process group, killed at their bound.
 */
import { execFileSync, fork, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CASES, Case, InputPath, ProcessCase, caseId, isProcessCase } from "./cases";
import { DEFAULT_WITHIN_MS, Kind, Verdict, judgeRefusal } from "./verdict";

const REPO = path.resolve(__dirname, "..", "..");
/** Loading the product code in a fresh child (sucrase, cdktf, the provider bindings). */
const BOOT_MS = 60_000;

function boundOf(c: Case): number {
  // the verdict checks the time taken; the watchdog only has to catch what never ends
  return Math.max(5_000, 3 * (c.withinMs ?? DEFAULT_WITHIN_MS));
}

async function runInChild(
  ids: readonly string[],
  scratch: string,
  results: Map<string, Verdict>,
): Promise<void> {
  const child = fork(path.join(__dirname, "case-runner.ts"), [], {
    cwd: REPO,
    execArgv: ["--require", "sucrase/register/ts"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  child.stdout!.resume();
  await new Promise<void>((resolve) => {
    let current: string | undefined;
    let timer = setTimeout(() => stop(`the case runner did not start within ${BOOT_MS} ms`), BOOT_MS);
    const stop = (why: string) => {
      if (current) results.set(current, { kind: "other", why, ms: NaN });
      else for (const id of ids) if (!results.has(id)) results.set(id, { kind: "other", why, ms: NaN });
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    child.on("message", (m: { ready?: true; start?: string; done?: string; verdict?: Verdict }) => {
      clearTimeout(timer);
      if (m.ready) {
        child.send({ ids, scratch });
      } else if (m.start) {
        current = m.start;
        const c = CASES.find((x) => caseId(x) === m.start)!;
        const bound = boundOf(c);
        timer = setTimeout(() => stop(`no answer within ${bound} ms: it hangs`), bound);
      } else if (m.done) {
        results.set(m.done, m.verdict!);
        current = undefined;
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (current && !results.has(current)) {
        results.set(current, {
          kind: "other",
          why: `the case runner died (${signal ?? `exit ${code}`}): ${stderr.slice(-1500)}`,
          ms: NaN,
        });
      }
      resolve();
    });
  });
}

/** Every in-process case, each bounded; a hung case is recorded and the rest go on in a new child. */
export async function runInProcessCases(scratch: string): Promise<Map<string, Verdict>> {
  const results = new Map<string, Verdict>();
  for (;;) {
    const left = CASES.filter((c) => !isProcessCase(c) && !results.has(caseId(c))).map(caseId);
    if (left.length === 0) return results;
    const before = results.size;
    await runInChild(left, scratch, results);
    if (results.size === before) {
      for (const id of left)
        results.set(id, { kind: "other", why: "the case runner ended without running it", ms: NaN });
    }
  }
}

/** A project directory that runs this repository's code with its own `.env`, secrets and output. */
export function scratchProject(dir: string): void {
  fs.mkdirSync(path.join(dir, "scripts"), { recursive: true });
  for (const file of ["main.ts", "package.json", "cdktf.json", "tsconfig.json", "scripts/cli.ts"]) {
    fs.copyFileSync(path.join(REPO, file), path.join(dir, file));
  }
  for (const entry of ["config", "stacks", "constructs", "django-app", "node_modules"]) {
    fs.symlinkSync(path.join(REPO, entry), path.join(dir, entry));
  }
  for (const entry of fs.readdirSync(path.join(REPO, "scripts"))) {
    if (entry !== "cli.ts")
      fs.symlinkSync(path.join(REPO, "scripts", entry), path.join(dir, "scripts", entry));
  }
}

/** One real CLI run, bounded; its exit code and output judged like the in-process refusals. */
export async function runProcessCase(c: ProcessCase, scratch: string): Promise<Verdict> {
  const dir = fs.mkdtempSync(path.join(scratch, "cli-"));
  scratchProject(dir);
  c.setup?.(dir, { mkfifo: (file) => execFileSync("mkfifo", [file]) });
  const bound = c.withinMs ?? DEFAULT_WITHIN_MS;
  const started = Date.now();
  const child = spawn(process.execPath, ["--require", "sucrase/register/ts", "scripts/cli.ts", ...c.argv], {
    cwd: dir,
    // nothing of this machine's settings, only what the case gives; and should a command get past
    // its checks (a regression), no Terraform and no Docker engine to act on
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      CHECKPOINT_DISABLE: "1",
      TERRAFORM_BINARY_NAME: "/nonexistent/bad-input/terraform",
      DOCKER_HOST: "unix:///nonexistent/bad-input/docker.sock",
      PROJECT_NAME: "bad-input",
      ...c.env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }, bound);
  const code = await new Promise<number | null>((resolve) => child.on("close", (status) => resolve(status)));
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (hung)
    return { kind: "other", why: `no exit within ${bound} ms: it hangs\n${output.slice(0, 1000)}`, ms };
  if (code !== c.exitCode)
    return { kind: "other", why: `exit ${code}, expected ${c.exitCode}:\n${output.slice(0, 1500)}`, ms };
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  const judged = judgeRefusal(c.refused, lines, output);
  return "why" in judged
    ? { kind: "other", why: judged.why, ms }
    : { kind: "refused", message: `(exit ${code}) ${judged.message}`, ms };
}

/** The CLI runs, a few at a time (each is one or two node processes). */
export async function runProcessCases(scratch: string, parallel = 3): Promise<Map<string, Verdict>> {
  const results = new Map<string, Verdict>();
  const queue = CASES.filter(isProcessCase);
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let c = queue.shift(); c; c = queue.shift())
        results.set(caseId(c), await runProcessCase(c, scratch));
    }),
  );
  return results;
}

/** The counts: overall, and by input path (real CLI runs counted under their input path). */
export function summary(
  results: ReadonlyMap<string, Verdict>,
  withMessages = false,
): { text: string; other: number } {
  const count = (cases: readonly Case[], kind: Kind) =>
    cases.filter((c) => results.get(caseId(c))?.kind === kind).length;
  const line = (label: string, cases: readonly Case[]) =>
    `${label.padEnd(16)} ${String(cases.length).padStart(4)}  refused clearly ${String(count(cases, "refused")).padStart(3)}, accepted correctly ${String(count(cases, "accepted")).padStart(3)}, other ${count(cases, "other")}`;
  const paths: InputPath[] = ["setting", ".env file", "CLI argument", "secret file", "construct prop"];
  const other = CASES.filter(
    (c) => results.get(caseId(c))?.kind !== "refused" && results.get(caseId(c))?.kind !== "accepted",
  );
  const slowest = [...results.entries()].sort((a, b) => (b[1].ms || 0) - (a[1].ms || 0))[0];
  const text = [
    `bad-input table: ${CASES.length} cases, ${count(CASES, "refused")} refused clearly, ${count(CASES, "accepted")} accepted correctly, ${other.length} other`,
    ...paths.map(
      (p) =>
        `  ${line(
          p,
          CASES.filter((c) => c.path === p),
        )}`,
    ),
    `  of which ${CASES.filter(isProcessCase).length} are real CLI runs (scripts/cli.ts): ${count(CASES.filter(isProcessCase), "refused")} refused clearly`,
    slowest ? `  slowest: ${slowest[0]} (${slowest[1].ms} ms)` : "",
    ...other.map((c) => `  OTHER ${caseId(c)}: ${results.get(caseId(c))?.why ?? "not run"}`),
    ...(withMessages
      ? CASES.map((c) => {
          const v = results.get(caseId(c));
          return `  [${v?.kind}] ${caseId(c)}${v?.message ? `\n      ${v.message}` : ""}`;
        })
      : []),
  ].filter((l) => l !== "");
  return { text: text.join("\n"), other: other.length };
}
