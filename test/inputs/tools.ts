/**
 * What the bad-input cases drive, loaded only where the cases run (the case runner process, see
 * `harness.ts`): the configuration reader, the `.env` and secret file loader, the command line
 * parser and the construct library, each called the way the CLI calls it.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { Testing } from "cdktf";
import { buildConfig } from "../../config/build-config";
import { loadConfig } from "../../config/load-config";
import { materializeSecrets } from "../../config/secret-store";
import { SETTINGS } from "../../config/settings";
import { parseArgs } from "../../scripts/cli/args";
import { backupTargetProblems, pgUpgradeProblem } from "../../scripts/cli/day2";
import { readPlanSettings } from "../../scripts/plan-pr";
import * as library from "../../constructs";
import { PASSWORD, SECRET_KEY, bareStack, basics } from "../support/constructs";
import type { Outcome } from "./cases";

/** A file to create in a case's project directory. */
export type FileSpec =
  | string
  | Buffer
  | { readonly fifo: true }
  | { readonly dir: true }
  | { readonly link: string }
  | { readonly text: string; readonly mode: number };

const REPO = path.resolve(__dirname, "..", "..");
/** The sample Django project for a case's scratch directory, where the stack reads one. */
const PROJECT: Record<string, string> = SETTINGS.some((s) => s.name === "DJANGO_PROJECT_DIR")
  ? { DJANGO_PROJECT_DIR: path.join(REPO, "django-app") }
  : {};

export class Tools {
  private count = 0;

  constructor(private readonly scratch: string) {}

  /** A fresh directory for one case. */
  dir(): string {
    const dir = path.join(this.scratch, `case-${++this.count}`);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }

  /** Writes `files` (paths relative to `dir`; parents made 0700, as the secrets directory wants). */
  write(dir: string, files: Readonly<Record<string, FileSpec>>): void {
    for (const [rel, spec] of Object.entries(files)) {
      const abs = path.join(dir, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
      if (typeof spec === "string" || Buffer.isBuffer(spec)) fs.writeFileSync(abs, spec, { mode: 0o600 });
      else if ("fifo" in spec) execFileSync("mkfifo", [abs]);
      else if ("dir" in spec) fs.mkdirSync(abs, { mode: 0o700 });
      else if ("link" in spec) fs.symlinkSync(spec.link, abs);
      else {
        fs.writeFileSync(abs, spec.text);
        fs.chmodSync(abs, spec.mode);
      }
    }
  }

  /** The settings alone (process environment only), as synth reads them. */
  settings(env: Readonly<Record<string, string>>, only?: readonly string[]): Outcome {
    const result = buildConfig({ env: { ENVIRONMENTS: "dev,prod", ...env } }, { only });
    return result.ok
      ? { ok: true, errors: [], warnings: result.warnings, value: result.config }
      : { ok: false, errors: result.errors, warnings: result.warnings };
  }

  /**
   * A whole project load, as `main.ts` does it: `.env` files, secret files and the process
   * environment in, the configuration and the secret file references out.
   */
  load(
    files: Readonly<Record<string, FileSpec>>,
    env: Readonly<Record<string, string>> = {},
    prepare?: (dir: string) => void,
  ): Outcome {
    const dir = this.dir();
    this.write(dir, files);
    prepare?.(dir);
    const result = loadConfig(dir, { ...PROJECT, ENVIRONMENTS: "dev,prod", ...env });
    return result.ok
      ? {
          ok: true,
          errors: [],
          warnings: result.warnings,
          value: { config: result.config, secrets: result.secrets, dir },
        }
      : { ok: false, errors: result.errors, warnings: result.warnings };
  }

  /**
   * `load` as a user without root's privilege to read anything: in a child process running as
   * `nobody` when this one is root (a file's permissions do not stop root), else in-process.
   */
  loadAsUser(files: Readonly<Record<string, FileSpec>>, env: Readonly<Record<string, string>>): Outcome {
    if (process.getuid?.() !== 0) return this.load(files, env);
    const dir = this.dir();
    this.write(dir, files);
    fs.chmodSync(dir, 0o777);
    for (let up = path.dirname(dir); up !== path.dirname(up); up = path.dirname(up)) {
      if (up.startsWith(this.scratch)) fs.chmodSync(up, 0o755);
    }
    const script = `const { loadConfig } = require(${JSON.stringify(path.join(REPO, "config", "load-config.ts"))});
const r = loadConfig(${JSON.stringify(dir)}, ${JSON.stringify({ ...PROJECT, ENVIRONMENTS: "dev,prod", ...env })});
process.stdout.write(JSON.stringify(r.ok ? { ok: true, errors: [], warnings: r.warnings } : r));`;
    const child = spawnSync(process.execPath, ["--require", "sucrase/register/ts", "-e", script], {
      cwd: REPO,
      uid: 65534,
      gid: 65534,
      encoding: "utf8",
      timeout: 15_000,
      env: { PATH: process.env.PATH ?? "" },
    });
    if (child.status !== 0) throw new Error(`the child as nobody failed: ${child.stderr || child.error}`);
    return JSON.parse(child.stdout) as Outcome;
  }

  /**
   * The secret files of the settings, with a build context of the case's own (`materializeSecrets`
   * checks that no build context would send SECRETS_DIR into an image).
   */
  secretsWithContext(
    files: Readonly<Record<string, FileSpec>>,
    env: Readonly<Record<string, string>>,
    context: string,
  ): Outcome {
    const dir = this.dir();
    this.write(dir, files);
    const built = buildConfig({ env: { ENVIRONMENTS: "dev", ...env } });
    if (!built.ok) return { ok: false, errors: built.errors, warnings: built.warnings };
    const result = materializeSecrets(built.config, dir, {}, [path.join(dir, context)]);
    return result.ok
      ? { ok: true, errors: [], value: { config: built.config, secrets: result.secrets, dir } }
      : { ok: false, errors: result.errors };
  }

  /** The command line against ENVIRONMENTS=dev,prod. */
  args(argv: readonly string[]): Outcome {
    const result = parseArgs(argv, ["dev", "prod"]);
    return result.ok ? { ok: true, errors: [], value: result.args } : { ok: false, errors: result.errors };
  }

  /**
   * pg-upgrade's decision for `--image image` (whose PG_MAJOR is `newMajor`) on data of
   * PostgreSQL `oldMajor` (its PG_VERSION), as `pgUpgrade` takes it before anything is stopped.
   */
  pgUpgrade(image: string, oldMajor: string, newMajor: string | undefined): Outcome {
    const refused = pgUpgradeProblem("dev", image, oldMajor, newMajor);
    return refused
      ? { ok: false, errors: [`(exit ${refused.exitCode}) ${refused.message}`] }
      : { ok: true, errors: [] };
  }

  /**
   * Where `backup dev` would write (BACKUP_DIR) and copy (`to`, else BACKUP_COPY_TO), checked as
   * the CLI checks them before Docker is asked; relative paths against a fresh project with `files`.
   */
  backupTargets(
    files: Readonly<Record<string, FileSpec>>,
    backups: { readonly dir?: string; readonly copyTo?: string },
    to?: string,
  ): Outcome {
    const dir = this.dir();
    this.write(dir, files);
    const problems = backupTargetProblems(dir, "dev", { dir: "backups", ...backups }, to);
    return { ok: problems.length === 0, errors: problems, value: dir };
  }

  /** plan:pr's PLAN_* settings, relative paths against a fresh project with `files`. */
  planSettings(files: Readonly<Record<string, FileSpec>>, env: Readonly<Record<string, string>>): Outcome {
    const dir = this.dir();
    this.write(dir, files);
    const result = readPlanSettings(env, dir);
    return result.ok
      ? { ok: true, errors: [], value: result.settings }
      : { ok: false, errors: result.errors };
  }

  /**
   * A construct in a bare stack: its props validation errors, or (none) the synthesized stack.
   * The construct library and the test helpers that wire its dependencies are passed in.
   */
  construct(build: (scope: Construct, lib: typeof library, support: Support) => void): Outcome {
    const stack = bareStack();
    build(stack, library, SUPPORT);
    let text: string;
    try {
      text = Testing.synth(stack, true);
    } catch (e) {
      const lines = (e as Error).message.split("\n").map((l) => l.trim());
      // cdktf wraps them: "Validation failed with the following errors:", "[t/X] t/X: ...", "If you wish ..."
      return { ok: false, errors: lines.filter((l) => /^\[[^\]]+\] /.test(l)) };
    }
    return { ok: true, errors: [], value: JSON.parse(text) };
  }
}

const SUPPORT = { PASSWORD, SECRET_KEY, basics };
export type Support = typeof SUPPORT;
