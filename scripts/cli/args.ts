/**
 * The command line: `npm run <command> -- [environment ...] [options]`. Pure: argv and the known
 * environments in, a parsed command or every problem out (exit code 2).
 */
import { ENTRY_NAME } from "../../config/entry-config";
import { isUnpinnedImage } from "../../constructs/image-reference";

export const COMMANDS = {
  synth: "validate the settings and write cdktf.out/ (no Docker or Terraform needed)",
  diff: "plan the environments against their state and the Docker host; changes nothing",
  deploy: "build, migrate, start the new release beside the old one, switch traffic, retire the old one",
  rollback: "switch back to the previous release's image (kept on the host; no build)",
  destroy: "remove an environment's containers, networks and images; keeps the data volume",
  output: "print an environment's URLs, container names and next steps",
  status: "what runs: containers, health, release, image, URL",
  logs: "the app's (or the database's, the proxy's) logs",
  manage: "run a manage.py command in a one-shot container with the environment's settings and secrets",
  backup: "dump the database (pg_dump custom format) to a timestamped file with its checksum",
  restore: "restore a dump: stops the app, restores, starts it again",
  "pg-upgrade": "move the data to a new PostgreSQL major version: dump, new volume, restore, switch",
} as const;

export type Command = keyof typeof COMMANDS;

export interface Options {
  readonly autoApprove: boolean;
  readonly all: boolean;
  readonly timings: boolean;
  readonly help: boolean;
  readonly version: boolean;
  readonly follow: boolean;
  readonly since?: string;
  readonly tail?: number;
  readonly service: "web" | "db" | "proxy";
  /** backup: also copy the dump to this directory. */
  readonly to?: string;
  /** pg-upgrade: the new PostgreSQL image. */
  readonly image?: string;
  /** deploy, diff: copy the state to a changed backend first (Terraform's init -migrate-state). */
  readonly migrateState: boolean;
  /** deploy: apply the plans saved by `npm run plan:pr` in this folder, exactly, or nothing (exit 3). */
  readonly savedPlans?: string;
}

export interface ParsedArgs {
  readonly command?: Command;
  readonly environments: readonly string[];
  readonly options: Options;
  /** manage: the manage.py arguments; restore: the dump file. */
  readonly rest: readonly string[];
}

export type ParseResult =
  | { readonly ok: true; readonly args: ParsedArgs }
  | { readonly ok: false; readonly errors: readonly string[] };

const FLAGS: Record<
  string,
  "autoApprove" | "all" | "timings" | "help" | "version" | "follow" | "migrateState"
> = {
  "--migrate-state": "migrateState",
  "--auto-approve": "autoApprove",
  "--yes": "autoApprove",
  "-y": "autoApprove",
  "--all": "all",
  "--timings": "timings",
  "--help": "help",
  "-h": "help",
  "--version": "version",
  "-V": "version",
  "--follow": "follow",
  "-f": "follow",
};
const VALUED = ["--since", "--tail", "--service", "--to", "--image", "--saved-plans"] as const;
const EXAMPLES: Record<(typeof VALUED)[number], string> = {
  "--since": "--since 10m",
  "--tail": "--tail 100",
  "--service": "--service db",
  "--to": "--to /mnt/backups",
  "--image": "--image postgres:18",
  "--saved-plans": "--saved-plans cdktf.out/plans",
};

/** The commands that also take `entry`, the shared entry point, in place of an environment. */
export const ENTRY_TARGET_COMMANDS: readonly Command[] = ["deploy", "diff", "destroy", "status", "output"];

/** Which commands take which options, and how many environments. */
const GRAMMAR: Record<Command, { options: string[]; many: boolean; usage: string }> = {
  synth: { options: ["timings"], many: true, usage: "npm run synth -- [environment ...]" },
  diff: {
    options: ["all", "timings", "migrateState"],
    many: true,
    usage: "npm run diff -- [environment ...] [--all] [--timings] [--migrate-state]",
  },
  deploy: {
    options: ["autoApprove", "all", "timings", "migrateState", "--saved-plans"],
    many: true,
    usage:
      "npm run deploy -- <environment ...> | --all  [--auto-approve] [--timings] [--migrate-state] [--saved-plans <dir>]",
  },
  rollback: {
    options: ["autoApprove", "timings"],
    many: false,
    usage: "npm run rollback -- <environment> [--auto-approve]",
  },
  destroy: {
    options: ["autoApprove", "all", "timings"],
    many: true,
    usage: "npm run destroy -- <environment ...> | --all  [--auto-approve]",
  },
  output: { options: ["all"], many: true, usage: "npm run output -- <environment ...> | --all" },
  status: { options: ["all"], many: true, usage: "npm run status -- <environment ...> | --all" },
  logs: {
    options: ["follow", "--since", "--tail", "--service"],
    many: false,
    usage:
      "npm run logs -- <environment> [--follow] [--since 10m|2026-11-30T10:00] [--tail 100] [--service web|db|proxy]",
  },
  manage: { options: [], many: false, usage: "npm run manage -- <environment> <manage.py arguments ...>" },
  backup: { options: ["--to"], many: false, usage: "npm run backup -- <environment> [--to <directory>]" },
  restore: {
    options: ["autoApprove"],
    many: false,
    usage: "npm run restore -- <environment> <dump file> --yes",
  },
  "pg-upgrade": {
    options: ["--image", "autoApprove"],
    many: false,
    usage: "npm run pg-upgrade -- <environment> --image postgres:18 --yes",
  },
};

export function usage(command?: Command): string {
  if (command) {
    const notes: Partial<Record<Command, string>> = {
      deploy:
        "Without a terminal, --auto-approve is required (nothing can be asked).\n" +
        "--saved-plans <dir>: apply the plans `npm run plan:pr` saved there, exactly: only when the\n" +
        "synthesized configuration and the state are still the ones they were planned against;\n" +
        "otherwise apply nothing, say which stack and why, and exit 3.",
      destroy: "The data volume is kept unless DELETE_DATA_ON_DESTROY=true.",
      diff: "Without environments: all of ENVIRONMENTS. Exit 0 whether or not there are changes.",
      manage: "e.g. npm run manage -- dev createsuperuser; npm run manage -- dev shell",
      backup: "Writes backups/<environment>/<environment>-<time>.dump and .sha256; keeps BACKUPS_KEPT.",
      restore: "Checks the .sha256 beside the file first. Refused without --yes.",
      "pg-upgrade": "Keeps the old data in the volume <data volume>-pg<old major> until you remove it.",
    };
    return [
      `usage: ${GRAMMAR[command].usage}`,
      "",
      COMMANDS[command],
      ...(notes[command] ? [notes[command]!] : []),
    ].join("\n");
  }
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: npm run <command> -- [environment ...] [options]",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    "",
    "options (where a command takes them; `npm run <command> -- --help` says which):",
    "  --all             every environment in ENVIRONMENTS",
    `  ${ENTRY_NAME.padEnd(16)}  in place of an environment (${ENTRY_TARGET_COMMANDS.join(", ")}): the shared entry point`,
    "  --auto-approve    do not ask before applying (required without a terminal); --yes for restore",
    "  --timings         print where the time went",
    "  --help, --version",
    "",
    "exit codes: 0 done, 1 failed, 2 usage or configuration error, 130 interrupted",
    "  and 3: deploy --saved-plans found a saved plan stale (the code or the state moved since it was",
    "  planned); nothing was applied",
  ].join("\n");
}

const SINCE = /^(\d+[smhd]|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?)$/;

/** The longest `--since` duration: ten years back, in days (older logs are long rotated away). */
export const SINCE_MAX_DAYS = 3650;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** A `--since` duration longer than SINCE_MAX_DAYS (which docker would overflow on or misread). */
function sinceTooLong(value: string): boolean {
  const m = /^(\d+)([smhd])$/.exec(value);
  return m !== null && Number(m[1]) * UNIT_SECONDS[m[2]] > SINCE_MAX_DAYS * 86400;
}

/** A `--since` value docker logs takes: a duration, or a date (and time) that exists. */
function sinceOk(value: string): boolean {
  if (!SINCE.test(value)) return false;
  if (/^\d+[smhd]$/.test(value)) return true;
  const [date, time = "00:00:00"] = value.split("T");
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, sec = 0] = time.split(":").map(Number);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    sec < 60
  );
}

export function parseArgs(
  argv: readonly string[],
  knownEnvironments: readonly string[] | undefined,
): ParseResult {
  const errors: string[] = [];
  const flags: Record<string, boolean> = {};
  const valued: Record<string, string> = {};
  const positional: string[] = [];
  const name = argv[0];
  const isCommand = name !== undefined && name in COMMANDS;
  // manage passes everything after its environment to manage.py untouched
  const stopAt = name === "manage" ? 2 : Infinity;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (positional.length >= stopAt) {
      positional.push(arg);
      continue;
    }
    const [key, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (key in FLAGS) {
      // `--auto-approve=no` must not approve
      if (inline !== undefined)
        errors.push(
          `${key} takes no value, got ${JSON.stringify(inline)}; give ${key} alone, or leave it out`,
        );
      else flags[FLAGS[key]] = true;
    } else if ((VALUED as readonly string[]).includes(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || value.startsWith("--"))
        errors.push(`${key} needs a value, e.g. ${EXAMPLES[key as (typeof VALUED)[number]]}; see --help`);
      // one value each: the last one silently winning could act on the wrong folder or image
      else if (key in valued) {
        if (valued[key] !== value)
          errors.push(
            `${key} is given twice (${JSON.stringify(valued[key])} and ${JSON.stringify(value)}); give ${key} once, e.g. ${EXAMPLES[key as (typeof VALUED)[number]]}`,
          );
      } else valued[key] = value;
    } else if (arg.startsWith("-") && arg !== "-")
      errors.push(`unknown option ${JSON.stringify(arg)}; see --help`);
    else positional.push(arg);
  }
  const options: Options = {
    autoApprove: flags.autoApprove === true,
    all: flags.all === true,
    timings: flags.timings === true,
    help: flags.help === true,
    version: flags.version === true,
    follow: flags.follow === true,
    migrateState: flags.migrateState === true,
    since: valued["--since"],
    tail:
      valued["--tail"] === undefined
        ? undefined
        : /^\d+$/.test(valued["--tail"])
          ? Number(valued["--tail"])
          : NaN,
    service: (valued["--service"] ?? "web") as Options["service"],
    to: valued["--to"],
    image: valued["--image"],
    savedPlans: valued["--saved-plans"],
  };
  if (options.help || options.version) {
    return {
      ok: true,
      args: { command: isCommand ? (name as Command) : undefined, environments: [], options, rest: [] },
    };
  }
  if (name === undefined)
    return {
      ok: false,
      errors: [`no command given; give one of ${Object.keys(COMMANDS).join(", ")}`, ...errors],
    };
  if (!isCommand) {
    return {
      ok: false,
      errors: [
        `unknown command ${JSON.stringify(name)}; one of ${Object.keys(COMMANDS).join(", ")}`,
        ...errors,
      ],
    };
  }
  const command = name as Command;
  const grammar = GRAMMAR[command];
  for (const [flag, on] of Object.entries(flags)) {
    if (on && !["help", "version"].includes(flag) && !grammar.options.includes(flag)) {
      errors.push(
        `${command} takes no --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}; usage: ${grammar.usage}`,
      );
    }
  }
  for (const key of Object.keys(valued)) {
    if (!grammar.options.includes(key)) errors.push(`${command} takes no ${key}; usage: ${grammar.usage}`);
  }
  if (options.since !== undefined && !sinceOk(options.since)) {
    errors.push(
      `--since must be a duration like 10m, 2h, 1d or a date like 2026-11-30T10:00, got ${JSON.stringify(options.since)}`,
    );
  } else if (options.since !== undefined && sinceTooLong(options.since)) {
    errors.push(
      `--since must be a duration of at most ${SINCE_MAX_DAYS} days (${SINCE_MAX_DAYS}d), got ${JSON.stringify(options.since)}; give a shorter one like 30d, or a date like 2026-11-30T10:00`,
    );
  }
  if (
    options.tail !== undefined &&
    !(Number.isInteger(options.tail) && options.tail >= 1 && options.tail <= 100000)
  ) {
    errors.push(`--tail must be a whole number from 1 to 100000, got ${JSON.stringify(valued["--tail"])}`);
  }
  if (!["web", "db", "proxy"].includes(options.service)) {
    errors.push(`--service must be web, db or proxy, got ${JSON.stringify(options.service)}`);
  }
  if (options.image !== undefined && isUnpinnedImage(options.image)) {
    errors.push(
      `--image must be an image reference with a tag other than latest, or a digest, like postgres:18, got ${JSON.stringify(options.image)}`,
    );
  }
  const [, ...afterCommand] = positional;
  const envArgs = grammar.many ? afterCommand : afterCommand.slice(0, 1);
  const rest = grammar.many ? [] : afterCommand.slice(1);
  const environments: string[] = [];
  for (const e of envArgs) {
    if (environments.includes(e)) continue;
    // the shared entry point's stack, where no environment has its name
    const entry = e === ENTRY_NAME && ENTRY_TARGET_COMMANDS.includes(command);
    if (knownEnvironments && !knownEnvironments.includes(e) && !entry) {
      const hint =
        e.endsWith("-app") && knownEnvironments.includes(e.slice(0, -4))
          ? ` (the release stack of "${e.slice(0, -4)}" is deployed with it)`
          : e === ENTRY_NAME
            ? ` (the shared entry point takes ${ENTRY_TARGET_COMMANDS.join(", ")}, not ${command})`
            : "";
      errors.push(
        `unknown environment ${JSON.stringify(e)}${hint}; ENVIRONMENTS is ${knownEnvironments.join(",")}`,
      );
    } else environments.push(e);
  }
  if (options.all && environments.length > 0) errors.push("give environments or --all, not both");
  const all = knownEnvironments ?? [];
  const chosen =
    options.all || (environments.length === 0 && ["synth", "diff"].includes(command)) ? all : environments;
  if (chosen.length === 0 && errors.length === 0) {
    errors.push(
      `${command} needs an environment (one of ${all.join(", ") || "ENVIRONMENTS"})${grammar.many ? " or --all" : ""}`,
    );
  }
  if (!grammar.many && afterCommand.length > 1 && !["manage", "restore"].includes(command)) {
    errors.push(`${command} takes one environment at a time; usage: ${grammar.usage}`);
  }
  if (command === "manage" && rest.length === 0)
    errors.push(`manage needs a manage.py command, e.g. createsuperuser; usage: ${grammar.usage}`);
  if (command === "restore" && rest.length !== 1)
    errors.push(`restore needs one dump file; usage: ${grammar.usage}`);
  if (command === "pg-upgrade" && options.image === undefined)
    errors.push(`pg-upgrade needs --image; usage: ${grammar.usage}`);
  // asked here, before Docker is reached: nothing can be asked at a prompt
  if (command === "restore" && rest.length === 1 && !options.autoApprove)
    errors.push(
      `restore replaces the data of ${chosen[0] ?? "the environment"} with ${JSON.stringify(rest[0])}: add --yes to do it; usage: ${grammar.usage}`,
    );
  if (command === "pg-upgrade" && options.image !== undefined && !options.autoApprove)
    errors.push(
      `pg-upgrade stops ${chosen[0] ?? "the environment"}'s app and database for a dump and a restore: add --yes to do it; usage: ${grammar.usage}`,
    );
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, args: { command, environments: chosen, options, rest } };
}
