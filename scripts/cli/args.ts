/**
 * The command line: `npm run <command> -- [environment ...] [options]`. Pure: argv and the known
 * environments in, a parsed command or every problem out (exit code 2).
 */

export const COMMANDS = {
  synth: "validate the settings and write cdktf.out/ (no Docker or Terraform needed)",
  diff: "plan the environments against their state and the Docker host; changes nothing",
  deploy:
    "apply: build, migrate, start the new release beside the old one, switch traffic, retire the old one",
  rollback: "switch back to the previous release's image (kept on the host; no build)",
  destroy: "remove an environment's containers, networks and images; keeps the data volume",
  output: "print an environment's URLs, container names and next steps",
} as const;

export type Command = keyof typeof COMMANDS;

export interface Options {
  readonly autoApprove: boolean;
  readonly all: boolean;
  readonly timings: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export interface ParsedArgs {
  readonly command?: Command;
  readonly environments: readonly string[];
  readonly options: Options;
}

export type ParseResult =
  | { readonly ok: true; readonly args: ParsedArgs }
  | { readonly ok: false; readonly errors: readonly string[] };

const FLAGS: Record<string, keyof Options> = {
  "--auto-approve": "autoApprove",
  "--yes": "autoApprove",
  "-y": "autoApprove",
  "--all": "all",
  "--timings": "timings",
  "--help": "help",
  "-h": "help",
  "--version": "version",
  "-V": "version",
};

export function usage(command?: Command): string {
  if (command) {
    const extra: Record<Command, string> = {
      synth: "usage: npm run synth -- [environment ...]\n  Without environments: all of ENVIRONMENTS.",
      diff: "usage: npm run diff -- [environment ...] [--all] [--timings]\n  Without environments: all of ENVIRONMENTS. Exit 0 whether or not there are changes.",
      deploy:
        "usage: npm run deploy -- <environment ...> | --all  [--auto-approve] [--timings]\n  Without a terminal, --auto-approve is required (nothing can be asked).",
      rollback: "usage: npm run rollback -- <environment> [--auto-approve]",
      destroy:
        "usage: npm run destroy -- <environment ...> | --all  [--auto-approve]\n  The data volume is kept unless DELETE_DATA_ON_DESTROY=true.",
      output: "usage: npm run output -- <environment ...> | --all",
    };
    return `${extra[command]}\n\n${COMMANDS[command]}`;
  }
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "usage: npm run <command> -- [environment ...] [options]",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`),
    "",
    "options:",
    "  --all             every environment in ENVIRONMENTS",
    "  --auto-approve    do not ask before applying (required without a terminal)",
    "  --timings         print where the time went",
    "  --help, --version",
    "",
    "exit codes: 0 done, 1 failed, 2 usage or configuration error, 130 interrupted",
  ].join("\n");
}

export function parseArgs(
  argv: readonly string[],
  knownEnvironments: readonly string[] | undefined,
): ParseResult {
  const errors: string[] = [];
  const options: Record<keyof Options, boolean> = {
    autoApprove: false,
    all: false,
    timings: false,
    help: false,
    version: false,
  };
  const positional: string[] = [];
  for (const arg of argv) {
    if (arg in FLAGS) options[FLAGS[arg]] = true;
    else if (arg.startsWith("-")) errors.push(`unknown option ${JSON.stringify(arg)}; see --help`);
    else positional.push(arg);
  }
  if (options.help || options.version) {
    const candidate = positional[0];
    const command = candidate && candidate in COMMANDS ? (candidate as Command) : undefined;
    return { ok: true, args: { command, environments: [], options } };
  }
  const [name, ...rest] = positional;
  if (name === undefined) return { ok: false, errors: ["no command given", ...errors] };
  if (!(name in COMMANDS)) {
    return {
      ok: false,
      errors: [
        `unknown command ${JSON.stringify(name)}; one of ${Object.keys(COMMANDS).join(", ")}`,
        ...errors,
      ],
    };
  }
  const command = name as Command;
  const environments: string[] = [];
  for (const e of rest) {
    if (environments.includes(e)) continue;
    if (knownEnvironments && !knownEnvironments.includes(e)) {
      const hint =
        e.endsWith("-app") && knownEnvironments.includes(e.slice(0, -4))
          ? ` (the release stack of "${e.slice(0, -4)}" is deployed with it)`
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
    errors.push(`${command} needs an environment (one of ${all.join(", ") || "ENVIRONMENTS"}) or --all`);
  }
  if (command === "rollback" && chosen.length > 1) errors.push("rollback takes one environment at a time");
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, args: { command, environments: chosen, options } };
}
