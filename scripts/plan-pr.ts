/**
 * `npm run plan:pr -- [environment ...] [--only-kind development|production]`: the plan a pull
 * request is reviewed on, saved so that the merge can apply exactly it.
 *
 * For each environment: synth (the CLI's own, into cdktf.out/<env>/), then for each of its stacks
 * (`<env>`, `<env>-app`): init, a refreshed, read-only plan saved to a file, `terraform show -json`
 * and `-no-color` of it, and a meta file (the SHA-256 of the stack's cdk.tf.json and the serial and
 * lineage of the state it was planned against; scripts/lib/saved-plan.ts). Then the comment
 * (scripts/plan-summary/) is written to PLAN_COMMENT_FILE.
 *
 * Read-only: plans run with `-lock=false`. A plan writes nothing to the state, and the credential
 * a pull request plans with may only read the state, which cannot take a lock (a lock is a write).
 * Without a lock, a plan can overlap an apply and read a state about to change; it then says so
 * (the serial moved during the plan) or, if the apply finishes after, the saved plan no longer
 * matches the state and the exact apply refuses it. Either way nothing stale is ever applied.
 *
 * Environment:
 *   PLAN_OUT_DIR        saved plans, one folder per stack (default cdktf.out/plans)
 *   PLAN_COMMENT_FILE   the comment (default cdktf.out/plan-comment.md)
 *   PLAN_MODE           pull-request | local | drift-watch | re-plan: what the next steps say
 *                       (default pull-request in GitHub Actions, else local)
 *   PLAN_COMMENT_MAX_CHARS  this run's share of GitHub's 65536 characters, 1000 to 65536 (default:
 *                       65536 divided by the number of ENVIRONMENTS, so every environment's part
 *                       fits in one comment)
 *   PLAN_REDACT_ENV     more variables whose values must never reach the comment, a comma list of
 *                       names (the secret settings, the backend credentials and the secret files
 *                       are always redacted)
 *   PLAN_COMMIT         the commit the plans are for, recorded in each meta file (default GITHUB_SHA)
 * Each is checked before any work (readPlanSettings): a bad value is refused (exit 2), never
 * replaced by the default.
 *   TERRAFORM_BINARY_NAME, DOCKER_HOST, backend settings: as for `npm run deploy`
 * Exit status: 0 when every stack planned (with or without changes); 1 when one could not (the
 * comment says which); 2 for usage or configuration errors.
 */
import * as fs from "fs";
import * as path from "path";
import { buildConfig } from "../config/build-config";
import { readConfigInput } from "../config/load-config";
import { isSecretName } from "../config/settings";
import { acquire } from "./cli/lock";
import { OUTDIR, environmentOutdir, stackDir, synthIfChanged } from "./cli/synth";
import { Runner, constructPaths, initIfNeeded, terraform } from "./cli/terraform";
import { folderProblem, notADirectory } from "./lib/folders";
import { SAVED_PLAN_FILES, SavedPlanMeta, configSha256, stateIdentity } from "./lib/saved-plan";
import { GITHUB_COMMENT_LIMIT } from "./plan-summary/comment";
import { plainText } from "./plan-summary/escape";
import { EnvironmentInput, Mode, StackInput, renderComment, reportOf } from "./plan-summary/render";
import { PrerequisiteError, checkDocker, findProviderMirror, findTerraform, toolchainEnv } from "./toolchain";

const root = path.resolve(__dirname, "..");

export const USAGE = `usage: npm run plan:pr -- [environment ...] [--only-kind development|production]

Plans every stack of each environment (default: all of ENVIRONMENTS) read-only, saves each plan
with its meta file under PLAN_OUT_DIR (default cdktf.out/plans) and writes the pull-request
comment to PLAN_COMMENT_FILE (default cdktf.out/plan-comment.md).
  --only-kind KIND   refuse any environment whose ENVIRONMENT_KIND is not KIND (CI: the pull
                     request's job plans development only; production is planned after approval)
Apply a saved plan exactly: npm run deploy -- <environment> --auto-approve --saved-plans <PLAN_OUT_DIR>
Exit status: 0 planned, 1 a stack could not be planned (the comment says which), 2 usage or configuration error.`;

/** Credentials read by Terraform's backends and the Docker client, never by our configuration. */
const TOOL_SECRETS = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "PG_CONN_STR",
  "TF_HTTP_PASSWORD",
  "DOCKER_SSH_KEY",
];

/** PLAN_REDACT_ENV's names: a comma list, items trimmed, empty items dropped. */
function redactNames(env: NodeJS.ProcessEnv): string[] {
  return (env.PLAN_REDACT_ENV ?? "")
    .split(",")
    .map((n) => n.trim())
    .filter((n) => n !== "");
}

/** Every value that must never reach the comment: secret settings (any NAME__ENV form), credentials, extra names. */
export function secretValues(env: NodeJS.ProcessEnv, secretsDir?: string): string[] {
  const extra = redactNames(env);
  // isSecretName: the secret settings, their NAME__<ENV> forms and the APP_SECRET_<NAME> pattern
  const values = Object.entries(env)
    .filter(([k]) => isSecretName(k) || TOOL_SECRETS.includes(k) || extra.includes(k))
    .map(([, v]) => v ?? "");
  if (secretsDir && fs.existsSync(secretsDir)) {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return walk(p);
        if (!e.isFile() || fs.statSync(p).size > 64 * 1024) return [];
        try {
          return [fs.readFileSync(p, "utf8").trim()];
        } catch {
          return [];
        }
      });
    values.push(...walk(secretsDir));
  }
  return values.filter((v) => v.length > 0);
}

export const PLAN_MODES: readonly Mode[] = ["pull-request", "local", "drift-watch", "re-plan"];
/** PLAN_COMMENT_MAX_CHARS: room for the summaries at least, GitHub's limit at most. */
export const MAX_CHARS_RANGE = [1000, GITHUB_COMMENT_LIMIT] as const;

/** plan:pr's own settings (PLAN_*), read and checked before any work. */
export interface PlanSettings {
  /** PLAN_OUT_DIR, absolute. */
  readonly out: string;
  /** PLAN_COMMENT_FILE, absolute. */
  readonly commentFile: string;
  readonly mode: Mode;
  /** PLAN_COMMENT_MAX_CHARS; `undefined`: GITHUB_COMMENT_LIMIT shared among ENVIRONMENTS. */
  readonly maxChars?: number;
  /** The commit the plans are for (PLAN_COMMIT, else GITHUB_SHA), if it is one. */
  readonly commit?: string;
}

/**
 * The PLAN_* variables, each checked: a bad one is refused (exit 2) with its name, its value and
 * the fix, never replaced by a default. Looks at the file system only.
 */
export function readPlanSettings(
  env: NodeJS.ProcessEnv,
  root: string,
): { ok: true; settings: PlanSettings } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const got = (name: string) => JSON.stringify(env[name]);

  const outGiven = env.PLAN_OUT_DIR || undefined;
  const out = path.resolve(root, outGiven ?? path.join(OUTDIR, "plans"));
  const outFix = "give PLAN_OUT_DIR a folder of its own (made if missing), e.g. cdktf.out/plans";
  if (out === path.resolve(root, OUTDIR) || !path.relative(out, root).startsWith(".."))
    // each stack's folder in it is emptied before planning: cdktf.out/<env> is the synth's own
    errors.push(
      `PLAN_OUT_DIR=${outGiven} is ${out === path.resolve(root, OUTDIR) ? "cdktf.out itself, where synth writes each environment" : "the project or a folder above it"}; ${outFix}`,
    );
  else {
    const problem = folderProblem(`PLAN_OUT_DIR=${outGiven ?? "cdktf.out/plans"}`, out, "", outFix);
    if (problem) errors.push(problem);
  }

  const fileGiven = env.PLAN_COMMENT_FILE || undefined;
  const commentFile = path.resolve(root, fileGiven ?? path.join(OUTDIR, "plan-comment.md"));
  const shownFile = `PLAN_COMMENT_FILE=${fileGiven ?? "cdktf.out/plan-comment.md"}`;
  const fileFix = "give PLAN_COMMENT_FILE a file path, e.g. cdktf.out/plan-comment.md";
  const there = notADirectory(commentFile);
  if (commentFile === out) errors.push(`${shownFile} is PLAN_OUT_DIR, the saved plans' folder; ${fileFix}`);
  else if (fs.existsSync(commentFile) && !fs.statSync(commentFile).isFile())
    errors.push(`${shownFile} is a directory, not a file; ${fileFix}`);
  else if (there && !there.startsWith("a file"))
    errors.push(`${shownFile} is ${there.replace(/, not a directory$/, ", not a file")}; ${fileFix}`);
  else {
    const problem = folderProblem(shownFile, commentFile, "..", fileFix);
    if (problem) errors.push(problem);
  }

  const modeGiven = env.PLAN_MODE?.trim() || undefined;
  if (modeGiven !== undefined && !PLAN_MODES.includes(modeGiven as Mode))
    errors.push(
      `PLAN_MODE must be one of ${PLAN_MODES.join(", ")}, got ${got("PLAN_MODE")}; leave it unset for the default (pull-request in GitHub Actions, else local)`,
    );
  const mode = (modeGiven ?? (env.GITHUB_ACTIONS === "true" ? "pull-request" : "local")) as Mode;

  const charsGiven = env.PLAN_COMMENT_MAX_CHARS?.trim() || undefined;
  const [min, max] = MAX_CHARS_RANGE;
  const maxChars = charsGiven === undefined ? undefined : /^\d+$/.test(charsGiven) ? Number(charsGiven) : NaN;
  if (maxChars !== undefined && !(Number.isSafeInteger(maxChars) && maxChars >= min && maxChars <= max))
    errors.push(
      `PLAN_COMMENT_MAX_CHARS must be a whole number from ${min} to ${max}, got ${got("PLAN_COMMENT_MAX_CHARS")}; e.g. 60000, or leave it unset to share GitHub's ${max} characters among ENVIRONMENTS`,
    );

  const badName = redactNames(env).find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (badName !== undefined)
    errors.push(
      `PLAN_REDACT_ENV must be a comma list of environment variable names, e.g. "MY_TOKEN,OTHER_SECRET", got ${got("PLAN_REDACT_ENV")} (bad item ${JSON.stringify(badName)}); give the variables' names, not their values`,
    );

  const commitGiven = env.PLAN_COMMIT?.trim() || undefined;
  const isCommit = (v: string | undefined) => v !== undefined && /^[0-9a-f]{7,64}$/i.test(v);
  if (commitGiven !== undefined && !isCommit(commitGiven))
    errors.push(
      `PLAN_COMMIT must be a commit SHA (7 to 64 hex digits), got ${got("PLAN_COMMIT")}; give the commit the plans are for (in a pull request's job: its head SHA), or leave it unset`,
    );
  const commit = commitGiven ?? (isCommit(env.GITHUB_SHA) ? env.GITHUB_SHA : undefined);

  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, settings: { out, commentFile, mode, maxChars, commit } };
}

interface Args {
  readonly environments: readonly string[];
  readonly onlyKind?: "development" | "production";
  readonly help: boolean;
}

export function parseArgs(
  argv: readonly string[],
): { ok: true; args: Args } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const environments: string[] = [];
  let onlyKind: Args["onlyKind"];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") help = true;
    else if (a === "--only-kind" || a.startsWith("--only-kind=")) {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v !== "development" && v !== "production")
        errors.push(`--only-kind must be development or production, got ${JSON.stringify(v ?? "")}`);
      else if (onlyKind !== undefined && onlyKind !== v)
        errors.push(
          `--only-kind is given twice ("${onlyKind}" and "${v}"); give --only-kind once, e.g. --only-kind development`,
        );
      else onlyKind = v;
    } else if (a.startsWith("-")) errors.push(`unknown option ${JSON.stringify(a)}; see --help`);
    else if (!environments.includes(a)) environments.push(a);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, args: { environments, onlyKind, help } };
}

const log = (text: string) => process.stderr.write(`${text}\n`);

/** Plans one stack into `<out>/<stack>/`; returns its input for the comment. */
async function planStack(
  runner: Runner,
  environment: string,
  stack: string,
  out: string,
  commit?: string,
): Promise<StackInput> {
  const dir = stackDir(root, environment, stack);
  const target = path.join(out, stack);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const fail = (what: string, output: string): StackInput => {
    const error = `${what}\n${plainText(output).trim().split("\n").slice(-30).join("\n")}`;
    fs.writeFileSync(path.join(target, "error.txt"), error);
    log(`plan:pr: ${stack}: ${what}`);
    return { stack, error };
  };
  const init = await initIfNeeded(runner, dir);
  if (init && init.code !== 0) return fail(`terraform init failed for ${stack}`, init.stdout + init.stderr);
  const paths = Object.fromEntries(constructPaths(dir));
  const config = configSha256(dir);
  const pull = async () => {
    const run = await terraform(runner, dir, ["state", "pull"]);
    if (run.code !== 0) throw new Error(`terraform state pull failed for ${stack}:\n${run.stderr}`);
    return stateIdentity(run.stdout);
  };
  const planFile = path.join(target, SAVED_PLAN_FILES.plan);
  for (let attempt = 1; ; attempt++) {
    let before;
    try {
      before = await pull();
    } catch (e) {
      return fail(`could not read the state of ${stack}`, (e as Error).message);
    }
    const run = await terraform(runner, dir, [
      "plan",
      "-input=false",
      "-lock=false",
      "-refresh=true",
      "-no-color",
      "-detailed-exitcode",
      `-out=${planFile}`,
    ]);
    if (run.code !== 0 && run.code !== 2)
      return fail(`terraform plan failed for ${stack}`, run.stdout + run.stderr);
    const after = await pull().catch(() => undefined);
    if (!after || after.serial !== before.serial || after.lineage !== before.lineage) {
      if (attempt < 3) {
        log(`plan:pr: ${stack}: the state moved while planning (an apply ran); planning again`);
        continue;
      }
      return fail(`the state of ${stack} kept moving while planning; plan again when the deploy is done`, "");
    }
    const json = await terraform(runner, dir, ["show", "-json", planFile]);
    const text = await terraform(runner, dir, ["show", "-no-color", planFile]);
    if (json.code !== 0 || text.code !== 0)
      return fail(`terraform show failed for ${stack}`, json.stderr + text.stderr);
    const plan = JSON.parse(json.stdout) as { terraform_version?: string };
    const meta: SavedPlanMeta = {
      version: 1,
      environment,
      stack,
      configSha256: config,
      state: before,
      changes: run.code === 2,
      createdAt: new Date().toISOString(),
      terraformVersion: plan.terraform_version,
      commit,
    };
    fs.writeFileSync(path.join(target, SAVED_PLAN_FILES.json), json.stdout);
    fs.writeFileSync(path.join(target, SAVED_PLAN_FILES.text), text.stdout);
    fs.writeFileSync(path.join(target, SAVED_PLAN_FILES.paths), `${JSON.stringify(paths, null, 2)}\n`);
    fs.writeFileSync(path.join(target, SAVED_PLAN_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
    log(
      `plan:pr: ${stack}: ${run.code === 2 ? "changes" : "no changes"} (state ${before.lineage ? `serial ${before.serial}` : "empty"})`,
    );
    return { stack, plan, text: text.stdout, paths };
  }
}

/** What `environments.json` in the saved-plans folder records, so the comment can be rendered again. */
export interface PlannedEnvironment {
  readonly environment: string;
  readonly kind: "production" | "development";
  readonly stacks: readonly string[];
  readonly error?: string;
}

/** Reads a saved-plans folder back into the renderer's input. */
export function loadPlans(dir: string): EnvironmentInput[] {
  const list = JSON.parse(
    fs.readFileSync(path.join(dir, "environments.json"), "utf8"),
  ) as PlannedEnvironment[];
  return list.map((e) => ({
    environment: e.environment,
    kind: e.kind,
    error: e.error,
    stacks: e.stacks.map((stack): StackInput => {
      const at = (f: string) => path.join(dir, stack, f);
      if (fs.existsSync(at("error.txt"))) return { stack, error: fs.readFileSync(at("error.txt"), "utf8") };
      if (!fs.existsSync(at(SAVED_PLAN_FILES.json))) return { stack, error: "not planned" };
      return {
        stack,
        plan: JSON.parse(fs.readFileSync(at(SAVED_PLAN_FILES.json), "utf8")),
        text: fs.readFileSync(at(SAVED_PLAN_FILES.text), "utf8"),
        paths: JSON.parse(fs.readFileSync(at(SAVED_PLAN_FILES.paths), "utf8")),
      };
    }),
  }));
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    for (const e of parsed.errors) log(`plan:pr: ${e}`);
    log(`\n${USAGE}`);
    return 2;
  }
  if (parsed.args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const env = process.env;
  // plan:pr's own settings first: a bad one is refused before anything is synthesized or planned
  const planSettings = readPlanSettings(env, root);
  if (!planSettings.ok) {
    for (const e of planSettings.errors) log(`plan:pr: ${e}`);
    return 2;
  }
  const { out, commentFile, mode, commit } = planSettings.settings;
  const { input, fileErrors } = readConfigInput(root, env);
  const built = buildConfig(input, {});
  if (!built.ok || fileErrors.length > 0) {
    for (const e of [...fileErrors, ...(built.ok ? [] : built.errors)]) log(`config error: ${e}`);
    return 2;
  }
  const config = built.config;
  const known = config.stacks.map((s) => s.environment);
  const environments = parsed.args.environments.length > 0 ? parsed.args.environments : known;
  const problems: string[] = [];
  for (const e of environments) {
    const stack = config.stacks.find((s) => s.environment === e);
    if (!stack) problems.push(`unknown environment ${JSON.stringify(e)}; ENVIRONMENTS is ${known.join(",")}`);
    else if (parsed.args.onlyKind && stack.kind !== parsed.args.onlyKind) {
      problems.push(
        `${e} is a ${stack.kind} environment (ENVIRONMENT_KIND), and this job plans ${parsed.args.onlyKind} environments only; ${stack.kind === "production" ? "production is planned by the approved production-plan job" : "plan it with --only-kind development"}`,
      );
    }
  }
  if (problems.length > 0) {
    for (const p of problems) log(`plan:pr: ${p}`);
    return 2;
  }

  let runner: Runner;
  try {
    const tf = findTerraform(env);
    const docker = await checkDocker(env);
    const mirror = findProviderMirror(env);
    runner = {
      binary: tf.binary,
      env: toolchainEnv(tf, mirror, path.join(root, "node_modules", ".cache", "django-cdktf"), env).env,
    };
    log(`plan:pr: ${tf.flavour} ${tf.version}, ${docker}${mirror ? `, provider mirror ${mirror}` : ""}`);
  } catch (e) {
    if (e instanceof PrerequisiteError) {
      log(`plan:pr: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }

  fs.mkdirSync(out, { recursive: true });
  const planned: PlannedEnvironment[] = [];
  const inputs: EnvironmentInput[] = [];
  for (const environment of environments) {
    const kind = config.stacks.find((s) => s.environment === environment)!.kind;
    const stacks = [environment, `${environment}-app`];
    const release = acquire(path.join(root, OUTDIR), environment, "plan:pr");
    try {
      log(`plan:pr: ${environment}: synth`);
      // the CLI's synth, which records what it synthesized from, so a later deploy never mistakes
      // this output for its own (it synthesizes again when its inputs differ)
      const result = await synthIfChanged(root, environment, env, config.secretsDir, [
        path.join(root, "django-app"),
      ]);
      if (!result.ok) {
        fs.rmSync(path.join(environmentOutdir(root, environment), ".synth-inputs"), { force: true });
        const error = `synth of ${environment} failed:\n${plainText(result.output).trim()}`;
        log(error);
        planned.push({ environment, kind, stacks: [], error });
        inputs.push({ environment, kind, stacks: [], error });
        continue;
      }
      const results: StackInput[] = [];
      for (const stack of stacks) results.push(await planStack(runner, environment, stack, out, commit));
      planned.push({ environment, kind, stacks });
      inputs.push({ environment, kind, stacks: results });
    } finally {
      release();
    }
  }
  fs.writeFileSync(path.join(out, "environments.json"), `${JSON.stringify(planned, null, 2)}\n`);

  const maxChars =
    planSettings.settings.maxChars ?? Math.floor(GITHUB_COMMENT_LIMIT / Math.max(1, known.length));
  const runUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL || "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const comment = renderComment(inputs, {
    mode,
    commit,
    runUrl,
    maxChars,
    secrets: secretValues(env, path.resolve(root, config.secretsDir)),
    savedPlansDir: path.relative(root, out) || ".",
  });
  fs.mkdirSync(path.dirname(commentFile), { recursive: true });
  fs.writeFileSync(commentFile, comment);
  // A summary for scripts (the drift watch): verdicts and drift per environment, no values.
  const summary = inputs.map((i) => {
    const r = reportOf(i);
    return {
      environment: r.environment,
      kind: r.kind,
      verdict: r.verdict,
      drift: r.summaries.reduce((n, s) => n + s.drift.length, 0),
      failed: r.failures.map((f) => f.stack),
    };
  });
  fs.writeFileSync(path.join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  for (const s of summary)
    log(`plan:pr: ${s.environment}: ${s.verdict}${s.drift > 0 ? `, drift in ${s.drift} resource(s)` : ""}`);
  log(
    `plan:pr: wrote ${path.relative(process.cwd(), commentFile)} and the saved plans in ${path.relative(process.cwd(), out) || "."}`,
  );
  return summary.some((s) => s.failed.length > 0) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      log(
        `plan:pr: unexpected failure: ${e.message}${process.env.DEBUG_CLI ? `\n${e.stack}` : " (DEBUG_CLI=1 shows where)"}`,
      );
      process.exitCode = 1;
    },
  );
}
