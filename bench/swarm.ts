/**
 * The swarm target beside the engine target, side by side in one run on one engine, for the same
 * app (our Django image on the stand-in bases):
 *
 *   engine   DEPLOY_TARGET=engine: a new container per release, the proxy switched to it
 *   swarm    DEPLOY_TARGET=swarm, APP_REPLICAS=2: a rolling update, start-first, one task at a time
 *
 * Steps: a warm-up deploy (builds the image), a no-op deploy, a redeploy after a one-line code
 * change under a client polling `/` about 20 times a second (failed requests counted), and on the
 * swarm the time to add one replica (APP_REPLICAS 2 -> 3). On a single-node swarm made here when
 * the engine is in none (and left again). Prints figures; asserts nothing.   npm run bench:swarm
 */
import * as fs from "fs";
import { removeDockerObjects, standInImages } from "../scripts/lib/docker";
import { PollResult, secondsUntil200, startPolling } from "../scripts/lib/http";
import { Project, Toolchain, detectToolchain, freePort } from "../scripts/lib/sandbox";
import { releaseSwarm, removeSwarmObjects, replicasOf, useSwarm } from "../scripts/lib/swarm";

const EDIT = "\nBENCH_RELEASE = 2  # a one-line change\n";

interface Side {
  readonly name: "engine" | "swarm";
  warm?: number;
  noop?: number;
  redeploy?: number;
  polled?: PollResult;
  addReplica?: number;
  note?: string;
}

async function measure(side: Side, toolchain: Extract<Toolchain, { ok: true }>): Promise<void> {
  const images = await standInImages();
  const port = await freePort();
  const prefix = `bsw${side.name}${process.pid}`;
  const env: Record<string, string> = {
    ENVIRONMENTS: "bench",
    PROJECT_NAME: prefix,
    APP_PORT: String(port),
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    PROXY_IMAGE: images.caddy ?? "caddy:2.10",
    DELETE_DATA_ON_DESTROY: "true",
    ...(side.name === "swarm"
      ? { DEPLOY_TARGET: "swarm", APP_REPLICAS: "2", APP_BIND_ADDRESS: "0.0.0.0" }
      : {}),
  };
  const project = new Project({ toolchain, stack: "bench", dotenv: env });
  const url = `http://127.0.0.1:${port}/`;
  const deploy = async () => {
    const r = await project.cli("deploy", ["--auto-approve"]);
    if (r.code !== 0) throw new Error(r.output.slice(-3000));
    return r.seconds;
  };
  try {
    side.warm = await deploy();
    await secondsUntil200(url, 60);
    side.noop = await deploy();
    fs.appendFileSync(project.path("django-app/core/views.py"), EDIT);
    const poll = startPolling(url);
    side.redeploy = await deploy();
    // the previous release is stopped at the very end
    await new Promise((r) => setTimeout(r, 1500));
    side.polled = await poll.stop();
    if (side.name === "swarm") {
      project.writeEnv({ ...env, APP_REPLICAS: "3" });
      side.addReplica = await deploy();
      if (replicasOf(`${prefix}-bench-web`) !== "3/3")
        side.note = "the third task was not running after the deploy";
    }
  } catch (e) {
    side.note = `failed: ${(e as Error).message.split("\n").slice(-5).join(" ")}`;
  } finally {
    await project.cli("destroy", ["--auto-approve"]);
    removeSwarmObjects(`${prefix}-`);
    await new Promise((r) => setTimeout(r, 3000));
    removeDockerObjects(`${prefix}-`);
    project.remove();
  }
}

const s = (v?: number) => (v === undefined ? "n/a" : `${v.toFixed(1)} s`);
const failed = (p?: PollResult) => (p ? `${p.failed} of ${p.ok + p.failed}` : "n/a");

async function main(): Promise<void> {
  const toolchain = detectToolchain();
  if (!toolchain.ok) {
    console.log(`swarm benchmark SKIPPED: ${toolchain.reason}`);
    return;
  }
  const engine: Side = { name: "engine" };
  const swarm: Side = { name: "swarm" };
  await measure(engine, toolchain);
  const use = useSwarm();
  if (!use.ok) swarm.note = `SKIPPED: ${use.reason}`;
  else {
    try {
      await measure(swarm, toolchain);
    } finally {
      releaseSwarm(use);
    }
  }
  const rows: [string, string, string][] = [
    ["", "engine (1 container)", "swarm (2 tasks)"],
    ["warm-up deploy (image built)", s(engine.warm), s(swarm.warm)],
    ["no-op deploy", s(engine.noop), s(swarm.noop)],
    ["redeploy after a code change", s(engine.redeploy), s(swarm.redeploy)],
    ["failed requests during it (~20/s)", failed(engine.polled), failed(swarm.polled)],
    ["add one replica (2 -> 3)", "-", s(swarm.addReplica)],
  ];
  console.log(`\nswarm benchmark (${toolchain.summary}, single-node swarm)\n`);
  for (const [a, b, c] of rows) console.log(`  ${a.padEnd(36)} ${b.padEnd(22)} ${c}`);
  for (const side of [engine, swarm]) if (side.note) console.log(`\n  ${side.name}: ${side.note}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
