/**
 * `npm run <command> -- [environment ...] [options]`: the lifecycle CLI (see `--help`).
 *
 * It synthesizes each environment on its own, then runs Terraform or OpenTofu directly in the
 * stacks' folders: plan to a file, apply that file, follow the apply's events to show progress,
 * and when a release fails, say which step, why, and put the state back to the release that still
 * serves. Exit codes: 0 done, 1 failed (Terraform or Docker missing or not answering among them), 2
 * usage or configuration error (TERRAFORM_BINARY_NAME naming no executable and a malformed
 * DOCKER_HOST among them), 3 saved plans stale, 130 interrupted.
 */
import * as fs from "fs";
import * as path from "path";
import { readEnvironments } from "../config/build-config";
import { readConfigInput } from "../config/load-config";
import { Command, parseArgs, usage } from "./cli/args";
import {
  Context,
  deploy,
  destroy,
  diff,
  output,
  printTimings,
  rollback,
  savedPlansProblem,
} from "./cli/commands";
import { ENTRY, ENTRY_COMMANDS } from "./cli/entry";
import { CommandFailed } from "./cli/errors";
import { backup, backupSettingsProblems, logs, manage, pgUpgrade, restore, status } from "./cli/day2";
import { LockHeld } from "./cli/lock";
import { SWARM_COMMANDS } from "./cli/swarm-commands";
import { deployTarget, refuseSwarmObjects } from "./cli/swarm";
import { synth } from "./cli/synth";
import { forwardSignal } from "./cli/terraform";
import { bold, interactive, line, red } from "./cli/ui";
import {
  PrerequisiteError,
  checkDocker,
  findProviderMirror,
  findTerraform,
  toolchainEnv,
  toolchainSettingProblems,
} from "./toolchain";

const root = path.resolve(__dirname, "..");

/**
 * ENVIRONMENTS as the process environment or `.env` gives it, checked as the configuration checks
 * it: its own error when it is invalid, never a guess (the rest of the settings: synth).
 */
function knownEnvironments(): ReturnType<typeof readEnvironments> {
  // bounded: a FIFO or device named .env must not hang the CLI (it is skipped; synth reports it)
  try {
    return readEnvironments(readConfigInput(root, process.env).input);
  } catch {
    // the .env files cannot be read at all: synth says why
    return readEnvironments({ env: process.env });
  }
}

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  return `${pkg.name} ${pkg.version}`;
}

async function main(argv: string[]): Promise<number> {
  const known = knownEnvironments();
  const parsed = parseArgs(argv, known.ok ? known.environments : undefined);
  // --help and --version answer whatever the settings; everything else needs the environments
  if (!known.ok && !(parsed.ok && (parsed.args.options.help || parsed.args.options.version))) {
    for (const e of known.errors) line(red(`config error: ${e}`));
    return 2;
  }
  if (!parsed.ok) {
    for (const e of parsed.errors) line(red(`error: ${e}`));
    line(`\n${usage()}`);
    return 2;
  }
  const { command, environments, options, rest } = parsed.args;
  if (options.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (options.help || !command) {
    process.stdout.write(`${usage(command)}\n`);
    return 0;
  }
  if (["deploy", "destroy", "rollback"].includes(command) && !options.autoApprove && !interactive()) {
    line(
      red(`error: ${command} asks before applying, and there is no terminal to ask at; add --auto-approve`),
    );
    return 2;
  }
  const savedPlansWrong = options.savedPlans ? savedPlansProblem(options.savedPlans) : undefined;
  if (savedPlansWrong) {
    line(red(`error: ${savedPlansWrong}`));
    return 2;
  }
  // where the dump goes (BACKUP_DIR, --to, BACKUP_COPY_TO): checked before Docker is asked
  if (command === "backup" || command === "pg-upgrade") {
    const problems = environments.flatMap((e) => backupSettingsProblems(root, process.env, e, options.to));
    if (problems.length > 0) {
      for (const p of problems) line(red(`error: ${p}`));
      return 2;
    }
  }

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!interrupted)
      line(red(`\n${signal}: stopping at the next safe point (the running release keeps serving)`));
    interrupted = true;
    forwardSignal("SIGINT");
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    if (command === "synth") {
      for (const environment of environments) {
        const result = await synth(root, environment, { ...process.env });
        process.stderr.write(result.output);
        if (!result.ok) return /configuration error/.test(result.output) ? 2 : 1;
        line(`${environment}: synthesized into cdktf.out/${environment}`);
      }
      return 0;
    }
    // a TERRAFORM_BINARY_NAME or DOCKER_HOST that can never work: a configuration error, all at once
    const wrongSettings = toolchainSettingProblems();
    if (wrongSettings.length > 0) {
      for (const p of wrongSettings) line(red(`cannot ${command}: ${p}`));
      return 2;
    }
    const terraform = findTerraform();
    const docker = await checkDocker();
    const mirror = findProviderMirror();
    const prepared = toolchainEnv(
      terraform,
      mirror,
      path.join(root, "node_modules", ".cache", "django-cdktf"),
    );
    line(
      bold(
        `${terraform.flavour} ${terraform.version}, ${docker}${mirror ? `, provider mirror ${mirror}` : ""}`,
      ),
    );
    const ctx: Context = {
      root,
      runner: { binary: terraform.binary, env: prepared.env },
      env: { ...process.env },
      options,
      interrupted: () => interrupted,
      rest,
    };
    const run: Record<Exclude<Command, "synth">, (c: Context, e: string) => Promise<unknown>> = {
      deploy,
      diff,
      destroy,
      output,
      rollback,
      status,
      logs,
      manage,
      backup,
      restore,
      "pg-upgrade": pgUpgrade,
    };
    for (const environment of environments) {
      const entry = environment === ENTRY && !(known.ok && known.environments.includes(ENTRY));
      if (entry && command in ENTRY_COMMANDS)
        await ENTRY_COMMANDS[command as keyof typeof ENTRY_COMMANDS](ctx);
      else if (command !== "output" && deployTarget(ctx, environment) === "swarm")
        await SWARM_COMMANDS[command](ctx, environment);
      else {
        if (command === "deploy") refuseSwarmObjects(environment);
        await run[command](ctx, environment);
      }
      if (interrupted) return 130;
    }
    return 0;
  } catch (e) {
    if (e instanceof CommandFailed) {
      line(e.exitCode === 130 ? red(e.message) : red(`error: ${e.message}`));
      return interrupted ? 130 : e.exitCode;
    }
    if (e instanceof PrerequisiteError || e instanceof LockHeld) {
      line(red(`cannot ${command}: ${e.message}`));
      return e instanceof PrerequisiteError ? e.exitCode : 1;
    }
    throw e;
  } finally {
    if (options.timings) printTimings();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    line(
      red(
        `unexpected failure: ${e.message} (a bug: please report it${process.env.DEBUG_CLI ? `\n${e.stack}` : "; DEBUG_CLI=1 shows where"})`,
      ),
    );
    process.exitCode = 1;
  },
);
