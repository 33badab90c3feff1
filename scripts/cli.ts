/**
 * `npm run synth|diff|deploy|destroy|output -- [stack ...] [cdktf options]`
 *
 * A thin front for the cdktf CLI: checks the prerequisites first and says what is missing and how
 * to fix it, sets up the toolchain (Terraform or OpenTofu, the provider mirror), then runs cdktf.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { PrerequisiteError, checkDocker, findProviderMirror, findTerraform, toolchainEnv } from "./toolchain";

const COMMANDS = ["synth", "diff", "deploy", "destroy", "output"] as const;
type Command = (typeof COMMANDS)[number];
const root = path.resolve(__dirname, "..");

function usage(): string {
  return [
    "usage: npm run <command> -- [stack ...] [cdktf options]",
    `  commands: ${COMMANDS.join(", ")}`,
    "  stacks:   the environments in ENVIRONMENTS (default: dev prod), e.g. `npm run deploy -- dev`",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as Command)) {
    console.error(`unknown command ${JSON.stringify(command ?? "")}\n${usage()}`);
    return 2;
  }
  let env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const extra: string[] = [];
  if (command !== "synth") {
    try {
      const terraform = findTerraform();
      const docker = command === "output" ? "" : await checkDocker();
      const mirror = findProviderMirror();
      const prepared = toolchainEnv(
        terraform,
        mirror,
        path.join(root, "node_modules", ".cache", "django-cdktf"),
      );
      env = prepared.env;
      // cdktf's lock step asks the registry for checksums; a mirror is all an air-gapped host has
      if (mirror && !rest.includes("--skip-provider-lock")) extra.push("--skip-provider-lock");
      console.error(`preflight: ${terraform.flavour} ${terraform.version} (${terraform.binary})`);
      if (docker) console.error(`preflight: ${docker}`);
      for (const n of prepared.notes) console.error(`preflight: ${n}`);
    } catch (e) {
      if (e instanceof PrerequisiteError) {
        console.error(`cannot ${command}: ${e.message}`);
        return 1;
      }
      throw e;
    }
  }
  const cdktf = path.join(root, "node_modules", ".bin", "cdktf");
  const result = spawnSync(cdktf, [command, ...rest, ...extra], { stdio: "inherit", env, cwd: root });
  if (result.error) {
    console.error(`cannot run cdktf (${result.error.message}); run \`npm ci\` first`);
    return 1;
  }
  return result.status ?? 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`unexpected failure: ${e.message}`);
    process.exitCode = 1;
  },
);
