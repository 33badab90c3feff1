/**
 * Lifecycle timings of this stack against the docker compose file a seed user would have, the same
 * two containers (our Django image, the postgres image), in the same run on the same engine:
 *
 *   deploy to ready        first deploy until /readyz answers 200 (build caches warm for both)
 *   no-op deploy           the same command again with nothing changed
 *   redeploy after a code change   one line appended to a Python source file, until /readyz is 200 again
 *
 * with the number of resources (ours: from the plan) or containers (compose) each step touched.
 * Prints figures; asserts nothing.   npm run bench:lifecycle
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execDockerOk, removeDockerObjects, standInImages } from "../scripts/lib/docker";
import { secondsUntil200 } from "../scripts/lib/http";
import { run } from "../scripts/lib/process";
import { detectToolchain, freePort, Project, REPO } from "../scripts/lib/sandbox";

const EDIT = "\nBENCH_RELEASE = 2  # a one-line change\n";

interface Row {
  step: string;
  ours: string;
  compose: string;
}

function composeCommand(): string[] | undefined {
  if (execDockerOk(["compose", "version"])) return ["docker", "compose"];
  const has = () => {
    try {
      execFileSync("docker-compose", ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return ["docker-compose"];
  if (process.getuid?.() === 0) {
    try {
      console.error("installing Debian's docker-compose for the comparison");
      execFileSync(
        "sh",
        ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose"],
        {
          stdio: "ignore",
        },
      );
    } catch {
      // reported below
    }
  }
  return has() ? ["docker-compose"] : undefined;
}

/** The seed article's compose.yml, pointed at the same app and images; ports on loopback here. */
function seedCompose(dir: string, images: { python: string; postgres: string }, appPort: number): void {
  fs.cpSync(path.join(REPO, "django-app"), path.join(dir, "django-app"), {
    recursive: true,
    filter: (src) => ![".venv", "staticfiles", "__pycache__"].includes(path.basename(src)),
  });
  const secret = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz";
  fs.writeFileSync(
    path.join(dir, ".env"),
    [
      `DJANGO_SECRET_KEY=${secret}`,
      "DEBUG=False",
      "DJANGO_LOGLEVEL=info",
      "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1",
      "DATABASE_ENGINE=postgresql_psycopg2",
      "DATABASE_NAME=dockerdjango",
      "DATABASE_USERNAME=dbuser",
      "DATABASE_PASSWORD=dbpassword",
      "DATABASE_HOST=db",
      "DATABASE_PORT=5432",
      "",
    ].join("\n"),
  );
  fs.writeFileSync(
    path.join(dir, "docker-compose.yml"),
    [
      'version: "3.8"',
      "services:",
      "  db:",
      `    image: ${images.postgres}`,
      "    environment:",
      "      POSTGRES_DB: ${DATABASE_NAME}",
      "      POSTGRES_USER: ${DATABASE_USERNAME}",
      "      POSTGRES_PASSWORD: ${DATABASE_PASSWORD}",
      "    volumes:",
      "      - postgres_data:/var/lib/postgresql/data",
      "    env_file:",
      "      - .env",
      "  django-web:",
      "    build:",
      "      context: ./django-app",
      "      args:",
      `        PYTHON_IMAGE: ${images.python}`,
      "    depends_on:",
      "      - db",
      "    ports:",
      `      - "127.0.0.1:${appPort}:8000"`,
      "    env_file:",
      "      - .env",
      "volumes:",
      "  postgres_data:",
      "",
    ].join("\n"),
  );
}

async function main(): Promise<void> {
  const toolchain = detectToolchain();
  if (!toolchain.ok) {
    console.log(`lifecycle benchmark SKIPPED: ${toolchain.reason}`);
    return;
  }
  const images = await standInImages();
  const prefix = `bench${process.pid}`;
  const ourPort = await freePort();
  const project = new Project({
    toolchain,
    stack: "bench",
    dotenv: {
      ENVIRONMENTS: "bench",
      PROJECT_NAME: prefix,
      APP_PORT: String(ourPort),
      PYTHON_IMAGE: images.python,
      POSTGRES_IMAGE: images.postgres,
    },
  });
  const compose = composeCommand();
  const composeDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-compose-"));
  const composePort = await freePort();
  const composeProject = `${prefix}compose`;
  seedCompose(composeDir, images, composePort);
  const dc = (...args: string[]) =>
    run(compose![0], [...compose!.slice(1), "-p", composeProject, ...args], { cwd: composeDir });

  const rows: Row[] = [];
  const ours = `http://127.0.0.1:${ourPort}/readyz`;
  const theirs = `http://127.0.0.1:${composePort}/readyz`;
  try {
    // warm both build caches, then start from no containers and no volumes
    const warm = await project.cli("synth");
    if (warm.code !== 0) throw new Error(warm.output);
    if (compose) await dc("build");

    // ours: the deploy itself waits for health; compose: up, then the seed's manual migrate, then poll
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    if (deploy.code !== 0) throw new Error(deploy.output.slice(-3000));
    const oursReady = deploy.seconds + ((await secondsUntil200(ours, 60)) ?? NaN);
    let composeReady = "n/a";
    if (compose) {
      const started = Date.now();
      await dc("up", "-d", "--build");
      // the seed runs migrations by hand; retried until the database accepts connections
      for (let i = 0; i < 60; i++) {
        if ((await dc("exec", "-T", "django-web", "docker-entrypoint", "migrate")).code === 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await secondsUntil200(theirs, 60);
      composeReady = `${((Date.now() - started) / 1000).toFixed(1)} s (2 containers, migrate by hand)`;
    }
    rows.push({
      step: "deploy to ready",
      ours: `${oursReady.toFixed(1)} s (11 resources)`,
      compose: composeReady,
    });

    const noop = await project.cli("deploy", ["--auto-approve"]);
    let composeNoop = "n/a";
    if (compose) composeNoop = `${(await dc("up", "-d", "--build")).seconds.toFixed(1)} s (0 containers)`;
    rows.push({
      step: "no-op deploy",
      ours: `${noop.seconds.toFixed(1)} s (0 resources)`,
      compose: composeNoop,
    });

    fs.appendFileSync(project.path("django-app/core/views.py"), EDIT);
    fs.appendFileSync(path.join(composeDir, "django-app/core/views.py"), EDIT);
    const diff = await project.cli("diff");
    const touched = diff.code === 0 ? Object.keys(project.savedPlan()).length : NaN;
    const redeploy = await project.cli("deploy", ["--auto-approve"]);
    const oursRedeploy = redeploy.seconds + ((await secondsUntil200(ours, 60)) ?? NaN);
    let composeRedeploy = "n/a";
    if (compose) {
      const started = Date.now();
      const up = await dc("up", "-d", "--build");
      const recreated = (up.output.match(/Recreating/g) ?? []).length;
      await secondsUntil200(theirs, 60);
      composeRedeploy = `${((Date.now() - started) / 1000).toFixed(1)} s (${recreated} container recreated)`;
    }
    rows.push({
      step: "redeploy after a code change",
      ours: `${oursRedeploy.toFixed(1)} s (${touched} resources replaced)`,
      compose: composeRedeploy,
    });

    console.log(
      `\nlifecycle: ${toolchain.summary}; compose: ${compose ? compose.join(" ") : "not available"}`,
    );
    console.log("| step | this stack (npm run deploy) | seed's docker compose |");
    console.log("|---|---|---|");
    for (const r of rows) console.log(`| ${r.step} | ${r.ours} | ${r.compose} |`);
    console.log(
      "\nNotes: our deploy includes synth, terraform init/plan/refresh, the secrets and password one-shots, migrations and the wait for health;",
    );
    console.log(
      "compose has none of these checks, and migrations are a manual step the seed leaves to the user.",
    );
  } finally {
    project.writeEnv({
      ENVIRONMENTS: "bench",
      PROJECT_NAME: prefix,
      APP_PORT: String(ourPort),
      PYTHON_IMAGE: images.python,
      POSTGRES_IMAGE: images.postgres,
      DELETE_DATA_ON_DESTROY: "true",
    });
    await project.cli("destroy", ["--auto-approve"]);
    removeDockerObjects(`${prefix}-`);
    if (compose) await dc("down", "-v", "--rmi", "local");
    project.remove();
    fs.rmSync(composeDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(`lifecycle benchmark failed: ${e.message}`);
  process.exitCode = 1;
});
