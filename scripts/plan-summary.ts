/**
 * `npm run plan:summary -- --plans DIR [options]`: renders the pull-request comment again from a
 * saved-plans folder written by `npm run plan:pr` (for example one downloaded as an artifact).
 *
 * The core (./plan-summary/) is pure and unit-tested; this file parses arguments, reads files and
 * writes stdout.
 */
import * as fs from "fs";
import { mergeComment } from "./plan-summary/comment";
import { PlanFormatError } from "./plan-summary/parse";
import { Mode, renderComment } from "./plan-summary/render";
import { loadPlans, secretValues } from "./plan-pr";

export * from "./plan-summary/comment";
export * from "./plan-summary/escape";
export * from "./plan-summary/parse";
export * from "./plan-summary/plan";
export * from "./plan-summary/render";

export const USAGE = `usage: npm run plan:summary -- --plans DIR [options]

  --plans DIR           a saved-plans folder written by "npm run plan:pr" (PLAN_OUT_DIR)
  --mode MODE           pull-request | local | drift-watch | re-plan (what the next steps say; default local)
  --commit SHA          the commit the plans were made for
  --run-url URL         link to the workflow run (https://...)
  --max-chars N         at most this many characters (default 65536)
  --merge-into FILE     an existing comment: print it with these environments' parts added or replaced
  --help                this text

Writes the comment markdown to stdout. Exit status 2 means bad arguments or unreadable plans.`;

const MODES: readonly Mode[] = ["pull-request", "local", "drift-watch", "re-plan"];

export interface CliArgs {
  readonly plans?: string;
  readonly mode: Mode;
  readonly commit?: string;
  readonly runUrl?: string;
  readonly maxChars?: number;
  readonly mergeInto?: string;
  readonly help: boolean;
}

/** Parses argv (without node and the script) and reports every problem at once. */
export function parseArgs(
  argv: readonly string[],
): { ok: true; args: CliArgs } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const values: Record<string, string> = {};
  let help = false;
  const known = ["--plans", "--mode", "--commit", "--run-url", "--max-chars", "--merge-into"];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === "--help" || raw === "-h") {
      help = true;
      continue;
    }
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (!known.includes(name)) {
      errors.push(
        `unknown ${raw.startsWith("-") ? "option" : "argument"} ${JSON.stringify(raw)}; known options: ${known.join(", ")}`,
      );
      continue;
    }
    const value = eq > 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "" || value.startsWith("--")) errors.push(`${name} needs a value`);
    else values[name] = value;
  }
  const mode = (values["--mode"] ?? "local") as Mode;
  if (!MODES.includes(mode))
    errors.push(`--mode must be one of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  if (values["--commit"] !== undefined && !/^[0-9a-f]{7,64}$/i.test(values["--commit"]))
    errors.push(`--commit ${JSON.stringify(values["--commit"])} is not a commit SHA (7 to 64 hex digits)`);
  if (values["--run-url"] !== undefined && !/^https:\/\/[^\s()<>"']+$/.test(values["--run-url"]))
    errors.push(`--run-url ${JSON.stringify(values["--run-url"])} is not an https:// URL`);
  const maxChars = values["--max-chars"] === undefined ? undefined : Number(values["--max-chars"]);
  if (maxChars !== undefined && !(Number.isInteger(maxChars) && maxChars >= 1000 && maxChars <= 65536))
    errors.push(
      `--max-chars must be a whole number from 1000 to 65536, got ${JSON.stringify(values["--max-chars"])}`,
    );
  if (!help && values["--plans"] === undefined)
    errors.push("--plans DIR is required (the folder plan:pr wrote)");
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    args: {
      plans: values["--plans"],
      mode,
      commit: values["--commit"],
      runUrl: values["--run-url"],
      maxChars,
      mergeInto: values["--merge-into"],
      help,
    },
  };
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The whole CLI, with the environment passed in so tests can drive it. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliResult {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    return {
      status: 2,
      stdout: "",
      stderr: `${parsed.errors.map((e) => `plan-summary: ${e}`).join("\n")}\n\n${USAGE}\n`,
    };
  }
  const { args } = parsed;
  if (args.help) return { status: 0, stdout: `${USAGE}\n`, stderr: "" };
  try {
    const comment = renderComment(loadPlans(args.plans!), {
      mode: args.mode,
      commit: args.commit,
      runUrl: args.runUrl,
      maxChars: args.maxChars,
      secrets: secretValues(env),
      savedPlansDir: args.plans,
    });
    const out = args.mergeInto
      ? mergeComment(fs.readFileSync(args.mergeInto, "utf8"), comment, args.maxChars)
      : comment;
    return { status: 0, stdout: out, stderr: "" };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `cannot read ${(e as NodeJS.ErrnoException).path}: no such file; is ${args.plans} a folder written by plan:pr?`
        : e instanceof SyntaxError
          ? `a file in ${args.plans} is not JSON (${e.message}); plan again`
          : e instanceof PlanFormatError
            ? e.message
            : (e as Error).message;
    return { status: 2, stdout: "", stderr: `plan-summary: ${message}\n` };
  }
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2), process.env);
  process.stderr.write(result.stderr);
  process.stdout.write(result.stdout);
  process.exitCode = result.status;
}
