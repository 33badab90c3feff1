/**
 * Pull-request plan summary: turns `terraform show -json` output of each stack into the markdown
 * body of the PR comment (see scripts/pr-plan.sh and .github/workflows/pr-plan.yml).
 *
 *   node --require sucrase/register/ts scripts/plan-summary.ts \
 *     --stack dev=cdktf.out/stacks/dev/plan.json:cdktf.out/stacks/dev/plan.txt > comment.md
 *
 * The core (./plan-summary/) is pure and unit-tested; this file only parses arguments, reads
 * files and writes stdout.
 */
import { readFileSync } from "fs";
import { PlanFormatError } from "./plan-summary/parse";
import { CommentOptions, MIN_SECRET_LENGTH, StackInput, renderComment } from "./plan-summary/render";

export * from "./plan-summary/parse";
export * from "./plan-summary/plan";
export * from "./plan-summary/render";

export const USAGE = `usage: plan-summary.ts --stack NAME=PLAN_JSON[:PLAN_TEXT] [--stack ...] [options]

  --stack NAME=PLAN_JSON[:PLAN_TEXT]  a stack's "terraform show -json" output, optionally with its
                                      "terraform show -no-color" text (folded into the comment)
  --failed NAME                       a stack whose synth or plan failed (reported as failed)
  --commit SHA                        the commit the plans were made for
  --run-url URL                       link to the workflow run (https://...)
  --redact-env NAME[,NAME...]         environment variables whose values must never appear
  --help                              this text

Writes the comment markdown to stdout. Exit status 2 means bad arguments or unreadable plans.`;

export interface StackArg {
  readonly stack: string;
  readonly planPath?: string;
  readonly textPath?: string;
  readonly failed: boolean;
}

export interface CliArgs {
  readonly stacks: readonly StackArg[];
  readonly commit?: string;
  readonly runUrl?: string;
  readonly redactEnv: readonly string[];
  readonly help: boolean;
}

export type ParseResult = { ok: true; args: CliArgs } | { ok: false; errors: string[] };

const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPTIONS = ["--stack", "--failed", "--commit", "--run-url", "--redact-env", "--help"];

/** Parses argv (without node and the script) and reports every problem at once. */
export function parseArgs(argv: readonly string[]): ParseResult {
  const errors: string[] = [];
  const stacks: StackArg[] = [];
  const redactEnv: string[] = [];
  let commit: string | undefined;
  let runUrl: string | undefined;
  let help = false;

  const addStack = (arg: StackArg, given: string) => {
    if (!STACK_NAME.test(arg.stack)) {
      errors.push(
        `${given}: stack name "${arg.stack}" may only contain letters, digits, "-" and "_" (use the name in cdktf.out/manifest.json)`,
      );
    } else if (stacks.some((s) => s.stack === arg.stack)) {
      errors.push(`${given}: stack "${arg.stack}" is given twice; give each stack once`);
    } else {
      stacks.push(arg);
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (name === "--help" || name === "-h") {
      help = true;
      continue;
    }
    if (!OPTIONS.includes(name)) {
      errors.push(
        raw.startsWith("-")
          ? `unknown option "${raw}"; known options: ${OPTIONS.join(", ")}`
          : `unexpected argument "${raw}"; stacks are given as --stack NAME=PLAN_JSON`,
      );
      continue;
    }
    let value: string | undefined = eq > 0 ? raw.slice(eq + 1) : argv[i + 1];
    if (eq < 0) {
      if (value === undefined || value.startsWith("--")) value = undefined;
      else i++;
    }
    if (value === undefined || value === "") {
      errors.push(`${name} needs a value, e.g. ${EXAMPLES[name]}`);
      continue;
    }
    const given = `${name} "${value}"`;
    switch (name) {
      case "--stack": {
        const at = value.indexOf("=");
        if (at <= 0 || at === value.length - 1) {
          errors.push(`${given} is not NAME=PLAN_JSON[:PLAN_TEXT]; write e.g. ${EXAMPLES["--stack"]}`);
          break;
        }
        // Paths may not contain ":"; the plan text is optional.
        const [planPath, textPath, ...rest] = value.slice(at + 1).split(":");
        if (rest.length > 0 || planPath === "" || textPath === "") {
          errors.push(`${given}: expected PLAN_JSON or PLAN_JSON:PLAN_TEXT after "=", without other ":"`);
          break;
        }
        addStack({ stack: value.slice(0, at), planPath, textPath, failed: false }, given);
        break;
      }
      case "--failed":
        addStack({ stack: value, failed: true }, given);
        break;
      case "--commit":
        if (!/^[0-9a-f]{7,64}$/i.test(value))
          errors.push(`${given} is not a commit SHA (7 to 64 hex digits)`);
        else commit = value;
        break;
      case "--run-url":
        if (!/^https:\/\/\S+$/.test(value)) errors.push(`${given} is not an https:// URL`);
        else runUrl = value;
        break;
      case "--redact-env":
        for (const env of value.split(",").filter(Boolean)) {
          if (ENV_NAME.test(env)) redactEnv.push(env);
          else errors.push(`${given}: "${env}" is not an environment variable name (letters, digits, "_")`);
        }
        break;
    }
  }
  if (!help && stacks.length === 0) {
    errors.push(`no stacks given; pass at least one ${EXAMPLES["--stack"]} (or --failed NAME)`);
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, args: { stacks, commit, runUrl, redactEnv, help } };
}

const EXAMPLES: Record<string, string> = {
  "--stack": "--stack dev=cdktf.out/stacks/dev/plan.json:cdktf.out/stacks/dev/plan.txt",
  "--failed": "--failed dev",
  "--commit": '--commit "$GITHUB_SHA"',
  "--run-url": "--run-url https://github.com/OWNER/REPO/actions/runs/1",
  "--redact-env": "--redact-env DJANGO_SECRET_KEY,DATABASE_PASSWORD",
};

export type ReadFile = (path: string) => string;

/** Reads and parses the files named in the arguments; errors name the stack, the file and the fix. */
export function loadInputs(args: CliArgs, read: ReadFile): { inputs: StackInput[]; errors: string[] } {
  const inputs: StackInput[] = [];
  const errors: string[] = [];
  for (const s of args.stacks) {
    if (s.failed || !s.planPath) {
      inputs.push({ stack: s.stack, failed: true });
      continue;
    }
    let plan: unknown;
    let planText: string | undefined;
    try {
      plan = JSON.parse(read(s.planPath));
    } catch (e) {
      errors.push(
        e instanceof SyntaxError
          ? `stack "${s.stack}": "${s.planPath}" is not JSON (${e.message.replace(/\s+/g, " ")}); write it with "terraform show -json plan.tfplan > ${s.planPath}"`
          : `stack "${s.stack}": cannot read plan JSON "${s.planPath}" (${describeIoError(e)}); run terraform show -json first`,
      );
      continue;
    }
    if (s.textPath) {
      try {
        planText = read(s.textPath);
      } catch (e) {
        errors.push(`stack "${s.stack}": cannot read plan text "${s.textPath}" (${describeIoError(e)})`);
        continue;
      }
    }
    inputs.push({ stack: s.stack, plan, planText });
  }
  return { inputs, errors };
}

function describeIoError(e: unknown): string {
  const code =
    typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The whole CLI, with its I/O passed in so tests can drive it. */
export function runCli(argv: readonly string[], read: ReadFile, env: NodeJS.ProcessEnv): CliResult {
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

  const { inputs, errors } = loadInputs(args, read);
  const secrets = args.redactEnv.map((name) => env[name] ?? "").filter((v) => v !== "");
  const warnings = args.redactEnv
    .filter((name) => (env[name] ?? "").length > 0 && (env[name] ?? "").length < MIN_SECRET_LENGTH)
    .map(
      (name) =>
        `plan-summary: warning: ${name} is shorter than ${MIN_SECRET_LENGTH} characters; not redacted\n`,
    );
  const options: CommentOptions = { commit: args.commit, runUrl: args.runUrl, secrets };
  let stdout = "";
  if (errors.length === 0) {
    try {
      stdout = renderComment(inputs, options);
    } catch (e) {
      if (!(e instanceof PlanFormatError)) throw e;
      errors.push(e.message);
    }
  }
  if (errors.length > 0) {
    return { status: 2, stdout: "", stderr: errors.map((e) => `plan-summary: ${e}\n`).join("") };
  }
  return { status: 0, stdout, stderr: warnings.join("") };
}

if (require.main === module) {
  const result = runCli(process.argv.slice(2), (path) => readFileSync(path, "utf8"), process.env);
  process.stderr.write(result.stderr);
  process.stdout.write(result.stdout);
  process.exitCode = result.status;
}
