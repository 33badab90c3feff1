/**
 * `npm run synth` of this project (two environments, the whole stack) against a bare cdktf app with
 * one docker container, measured alternately in the same run, so the machine's noise hits both.
 * Prints the medians and their ratio (target: at most 1.5).
 *
 *   npm run bench:synth [-- samples]       (default 7 samples each)
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COPIED, copyTree, withoutProjectSettings } from "../scripts/lib/sandbox";

const REPO = path.resolve(__dirname, "..");
const samples = Number(process.argv[2] ?? 7);
if (!Number.isInteger(samples) || samples < 1 || samples > 100) {
  console.error(`samples must be a whole number from 1 to 100, got ${JSON.stringify(process.argv[2])}`);
  process.exit(2);
}

function project(files: Record<string, string>, copy: readonly string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-"));
  for (const entry of copy) copyTree(path.join(REPO, entry), path.join(dir, entry));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

const cdktfJson = JSON.stringify({
  language: "typescript",
  app: "node --require sucrase/register/ts main.ts",
  output: "cdktf.out",
  sendCrashReports: "false",
});

const bare = project({
  "cdktf.json": cdktfJson,
  "package.json": JSON.stringify({ name: "bare", private: true, scripts: { synth: "cdktf synth" } }),
  "tsconfig.json": fs.readFileSync(path.join(REPO, "tsconfig.json"), "utf8"),
  "main.ts": [
    'import { App, TerraformStack } from "cdktf";',
    'import { DockerProvider } from "@cdktf/provider-docker/lib/provider";',
    'import { Container } from "@cdktf/provider-docker/lib/container";',
    "const app = new App();",
    'const stack = new TerraformStack(app, "bare");',
    'new DockerProvider(stack, "docker", {});',
    'new Container(stack, "web", { name: "web", image: "postgres:17" });',
    "app.synth();",
    "",
  ].join("\n"),
});
const ours = project({}, COPIED);

const env: NodeJS.ProcessEnv = { ...withoutProjectSettings(process.env), CHECKPOINT_DISABLE: "1" };

function synth(dir: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync("npm", ["run", "--silent", "synth"], { cwd: dir, env, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`synth failed in ${dir}:\n${r.stdout}${r.stderr}`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  // one warm-up each: the transpiler's and the OS's caches, the secrets generated on the first run
  synth(bare);
  synth(ours);
  const times = { bare: [] as number[], ours: [] as number[] };
  for (let i = 0; i < samples; i++) {
    times.bare.push(synth(bare));
    times.ours.push(synth(ours));
  }
  const b = median(times.bare);
  const o = median(times.ours);
  const stacks = fs
    .readdirSync(path.join(ours, "cdktf.out"))
    .flatMap((env) => fs.readdirSync(path.join(ours, "cdktf.out", env, "stacks")));
  console.log(`npm run synth, ${samples} alternating samples each (medians):`);
  console.log(
    `  bare cdktf app, 1 stack, 1 container:      ${b.toFixed(2)} s  (${times.bare.map((t) => t.toFixed(2)).join(" ")})`,
  );
  console.log(
    `  this project, ${stacks.length} stacks (${stacks.join(", ")}):  ${o.toFixed(2)} s  (${times.ours.map((t) => t.toFixed(2)).join(" ")})`,
  );
  console.log(`  ratio ours / bare: ${(o / b).toFixed(2)}  (target <= 1.5)`);
} finally {
  fs.rmSync(bare, { recursive: true, force: true });
  fs.rmSync(ours, { recursive: true, force: true });
}
