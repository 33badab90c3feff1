/**
 * Lifecycle timings and dropped requests, side by side in one run on one engine, for the same app
 * (our Django image, the postgres image):
 *
 *   ours       this code: `npm run deploy` (proxy, releases created before the old one goes)
 *   before     the release before safe releases (PREVIOUS): the app replaced in place
 *   compose    docker compose v2: `up -d --wait --build`, health checks, a migrate service the web
 *              service waits for (the seed's compose file, made production-shaped)
 *
 * Steps: first deploy (until the app answers), no-op deploy, redeploy after a one-line code change,
 * the last under a client polling `/` about 20 times a second (failed requests counted).
 * Prints figures and ratios; asserts nothing.   npm run bench:lifecycle [-- --skip-before]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execDockerOk, removeDockerObjects, standInImages, StandInImages } from "../scripts/lib/docker";
import { PollResult, secondsUntil200, startPolling } from "../scripts/lib/http";
import { run } from "../scripts/lib/process";
import { Project, REPO, detectToolchain, freePort, releaseTree, Toolchain } from "../scripts/lib/sandbox";

/** The last release in which a deploy replaced the app in place. */
const PREVIOUS = "f8d528e";
const EDIT = "\nBENCH_RELEASE = 2  # a one-line change\n";

interface Side {
  readonly name: string;
  first?: number;
  noop?: number;
  redeploy?: number;
  polled?: PollResult;
  note?: string;
}

function composeV2(): string[] | undefined {
  return execDockerOk(["compose", "version"]) ? ["docker", "compose"] : undefined;
}

function composeFiles(dir: string, images: StandInImages, port: number): void {
  fs.cpSync(path.join(REPO, "django-app"), path.join(dir, "django-app"), {
    recursive: true,
    filter: (src) => ![".venv", "staticfiles", "__pycache__"].includes(path.basename(src)),
  });
  fs.writeFileSync(
    path.join(dir, ".env"),
    [
      "DJANGO_SECRET_KEY=bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
      "DEBUG=False",
      "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
      "DATABASE_NAME=django",
      "DATABASE_USERNAME=django",
      "DATABASE_PASSWORD=bench-password-0123456789",
      "DATABASE_HOST=db",
      "DATABASE_PORT=5432",
      "",
    ].join("\n"),
  );
  const web = [
    "    build:",
    "      context: ./django-app",
    "      args:",
    `        PYTHON_IMAGE: ${images.python}`,
    "    env_file: .env",
  ];
  fs.writeFileSync(
    path.join(dir, "compose.yaml"),
    [
      "services:",
      "  db:",
      `    image: ${images.postgres}`,
      "    environment:",
      "      POSTGRES_DB: django",
      "      POSTGRES_USER: django",
      "      POSTGRES_PASSWORD: bench-password-0123456789",
      "    volumes: [postgres_data:/var/lib/postgresql/data]",
      "    healthcheck:",
      '      test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "django", "-d", "django"]',
      "      interval: 1s",
      "      retries: 60",
      "  migrate:",
      ...web,
      "    command: [migrate]",
      "    depends_on: { db: { condition: service_healthy } }",
      "  web:",
      ...web,
      "    depends_on: { migrate: { condition: service_completed_successfully } }",
      `    ports: ["127.0.0.1:${port}:8000"]`,
      "    healthcheck:",
      '      test: ["CMD", "docker-entrypoint", "healthcheck", "ready"]',
      "      interval: 1s",
      "      retries: 60",
      "volumes:",
      "  postgres_data:",
      "",
    ].join("\n"),
  );
}

/** Ours or the previous release: deploy, no-op, code redeploy under polling. */
async function measureStack(
  side: Side,
  toolchain: Extract<Toolchain, { ok: true }>,
  images: StandInImages,
  from: string | undefined,
): Promise<void> {
  const port = await freePort();
  const prefix = `b${side.name}${process.pid}`;
  const env = {
    ENVIRONMENTS: "bench",
    PROJECT_NAME: prefix,
    APP_PORT: String(port),
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    ...(from ? {} : { PROXY_IMAGE: images.caddy ?? "caddy:2.10" }),
    DELETE_DATA_ON_DESTROY: "true",
  };
  const project = new Project({
    toolchain,
    stack: "bench",
    dotenv: env,
    from,
    nodeModules: from ? path.join(from, "node_modules") : undefined,
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    // warm the build cache, then measure from no containers
    const warm = await project.cli("deploy", ["--auto-approve"]);
    if (warm.code !== 0) throw new Error(warm.output.slice(-3000));
    await project.cli("destroy", ["--auto-approve"]);

    const first = await project.cli("deploy", ["--auto-approve"]);
    if (first.code !== 0) throw new Error(first.output.slice(-3000));
    side.first = first.seconds + ((await secondsUntil200(url, 60)) ?? NaN);
    side.noop = (await project.cli("deploy", ["--auto-approve"])).seconds;

    fs.appendFileSync(project.path("django-app/core/views.py"), EDIT);
    const poll = startPolling(url);
    const redeploy = await project.cli("deploy", ["--auto-approve"]);
    side.redeploy = redeploy.seconds + ((await secondsUntil200(url, 60)) ?? NaN);
    await new Promise((r) => setTimeout(r, 1500));
    side.polled = await poll.stop();
  } finally {
    await project.cli("destroy", ["--auto-approve"]);
    removeDockerObjects(`${prefix}-`);
    project.remove();
  }
}

async function measureCompose(side: Side, images: StandInImages): Promise<void> {
  const compose = composeV2();
  if (!compose) {
    side.note =
      "docker compose v2 is not installed (go install github.com/docker/compose/v2/cmd@v2.29.7, then copy the binary to ~/.docker/cli-plugins/docker-compose)";
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-compose-"));
  const port = await freePort();
  composeFiles(dir, images, port);
  const name = `bcompose${process.pid}`;
  const dc = (...args: string[]) => run(compose[0], [...compose.slice(1), "-p", name, ...args], { cwd: dir });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await dc("build");
    const first = await dc("up", "-d", "--wait", "--build");
    if (first.code !== 0) throw new Error(first.output.slice(-3000));
    side.first = first.seconds + ((await secondsUntil200(url, 60)) ?? NaN);
    side.noop = (await dc("up", "-d", "--wait", "--build")).seconds;
    fs.appendFileSync(path.join(dir, "django-app/core/views.py"), EDIT);
    const poll = startPolling(url);
    const redeploy = await dc("up", "-d", "--wait", "--build");
    side.redeploy = redeploy.seconds + ((await secondsUntil200(url, 60)) ?? NaN);
    await new Promise((r) => setTimeout(r, 1500));
    side.polled = await poll.stop();
  } finally {
    await dc("down", "-v", "--rmi", "local");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const s = (v?: number) => (v === undefined || Number.isNaN(v) ? "n/a" : `${v.toFixed(1)} s`);
const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(2)}` : "n/a");

async function main(argv: string[]): Promise<void> {
  const toolchain = detectToolchain();
  if (!toolchain.ok) {
    console.log(`lifecycle benchmark SKIPPED: ${toolchain.reason}`);
    return;
  }
  const images = await standInImages();
  const ours: Side = { name: "ours" };
  const before: Side = { name: "before" };
  const compose: Side = { name: "compose" };
  await measureStack(ours, toolchain, images, undefined);
  await measureCompose(compose, images);
  if (argv.includes("--skip-before")) before.note = "skipped (--skip-before)";
  else {
    const tree = releaseTree(PREVIOUS);
    if ("reason" in tree) before.note = tree.reason;
    else {
      try {
        await measureStack(before, toolchain, images, tree.dir);
      } catch (e) {
        before.note = `failed: ${(e as Error).message.split("\n").slice(-8).join("\n")}`;
      } finally {
        fs.rmSync(tree.dir, { recursive: true, force: true });
      }
    }
  }
  const failed = (side: Side) =>
    side.polled ? `${side.polled.failed} of ${side.polled.ok + side.polled.failed}` : "n/a";
  console.log(`\nlifecycle (${toolchain.summary}); one run, same engine, build caches warm for every side`);
  console.log("| step | ours | compose v2 | ours / compose | before (in-place) |");
  console.log("|---|---|---|---|---|");
  console.log(
    `| first deploy, until / answers | ${s(ours.first)} | ${s(compose.first)} | ${ratio(ours.first, compose.first)} | ${s(before.first)} |`,
  );
  console.log(
    `| no-op deploy | ${s(ours.noop)} | ${s(compose.noop)} | ${ratio(ours.noop, compose.noop)} | ${s(before.noop)} |`,
  );
  console.log(
    `| code redeploy, until / answers | ${s(ours.redeploy)} | ${s(compose.redeploy)} | ${ratio(ours.redeploy, compose.redeploy)} | ${s(before.redeploy)} |`,
  );
  console.log(
    `| failed requests during the redeploy (~20/s) | ${failed(ours)} | ${failed(compose)} | | ${failed(before)} |`,
  );
  for (const side of [compose, before]) if (side.note) console.log(`\n${side.name}: ${side.note}`);
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`lifecycle benchmark failed: ${e.message}`);
  process.exitCode = 1;
});
