/**
 * The shared entry point on the real engine: two environments behind one Caddy on free ports
 * (SHARED_HTTP_PORT/SHARED_HTTPS_PORT) with Caddy's internal CA. Each host name answers over HTTPS
 * with its own environment, HTTP redirects, and a client polling about 20 times a second sees no
 * failed request while one environment is redeployed, added or removed. Then PROXY=false: the app
 * answers a container of ours on its frontend network, for a proxy of your own.
 *
 * Skipped, with the reason printed, where the toolchain is missing.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as https from "https";
import * as http from "http";
import { execDocker, execDockerOk, removeDockerObjects, standInImages } from "../../scripts/lib/docker";
import { PollResult, startProbing } from "../../scripts/lib/http";
import { run } from "../../scripts/lib/process";
import { Project, Toolchain, detectToolchain, freePort } from "../../scripts/lib/sandbox";
import { expectNoDrops, expectSuccess } from "../support/e2e";

jest.setTimeout(20 * 60_000);

const [A, B, C] = ["enta", "entb", "entc"];
const DOMAIN: Record<string, string> = { [A]: "a.entry.e2e.test", [B]: "b.entry.e2e.test" };
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e entry SKIPPED: ${toolchain.reason}`);
const step = toolchain.ok ? it : it.skip;
let project: Project;
let prefix: string;
let httpPort: number;
let httpsPort: number;
let baseEnv: Record<string, string>;
let ca: Buffer;
const figures: string[] = [];

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** GET https://<host>:<httpsPort><path> against 127.0.0.1, as a browser would (SNI and Host), trusting only the exported root. */
function httpsGet(host: string, path = "/"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: "127.0.0.1",
        port: httpsPort,
        path,
        servername: host,
        headers: { Host: `${host}:${httpsPort}` },
        ca,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (b: Buffer) => chunks.push(b));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** A client polling `/` of a host name over HTTPS about `perSecond` times a second, a new connection each time. */
function startPolling(host: string, perSecond = 20): { stop: () => Promise<PollResult> } {
  return startProbing(
    () =>
      httpsGet(host).then(
        (a) => String(a.status),
        (e: NodeJS.ErrnoException) => e.code ?? e.message,
      ),
    perSecond,
  );
}

/** Runs a CLI command while polling the given hosts; the command's result and each host's polling. */
async function underLoad(hosts: string[], command: string, args: string[]) {
  const polls = hosts.map((h) => startPolling(h));
  const result = await project.cliWith(command, [...args, "--auto-approve"]);
  // a little longer: the previous release, or the removed environment, goes at the very end
  await new Promise((r) => setTimeout(r, 1500));
  const polled = await Promise.all(polls.map((p) => p.stop()));
  return { result, polled };
}

function webContainer(environment: string): string {
  return execDocker([
    "ps",
    "--filter",
    `name=${prefix}-${environment}-web-`,
    "--filter",
    "label=django-cdktf.role=web",
    "--format",
    "{{.Names}}",
  ]).split("\n")[0];
}

function writeEnvironmentFile(environment: string, vars: Record<string, string>): void {
  const text = Object.entries(vars)
    .map(([k, v]) => `${k}=${v}\n`)
    .join("");
  fs.writeFileSync(project.path(`.env.${environment}`), text);
}

beforeAll(async () => {
  if (!toolchain.ok) return;
  const images = await standInImages();
  [httpPort, httpsPort] = [await freePort(), await freePort()];
  prefix = `entry${process.pid}`;
  baseEnv = {
    ENVIRONMENTS: `${A},${B}`,
    PROJECT_NAME: prefix,
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    PROXY_IMAGE: images.caddy ?? "caddy:2.10",
    ENTRY_POINT: "shared",
    TLS_MODE: "internal",
    SHARED_HTTP_PORT: String(httpPort),
    SHARED_HTTPS_PORT: String(httpsPort),
    DELETE_DATA_ON_DESTROY: "true",
  };
  project = new Project({ toolchain, stack: A, dotenv: baseEnv });
  writeEnvironmentFile(A, { DOMAIN: DOMAIN[A] });
  writeEnvironmentFile(B, { DOMAIN: DOMAIN[B] });
  const first = await project.cliWith("deploy", [A, "--auto-approve"]);
  expectSuccess(first);
  expect(first.output).toContain(`entry: routes ${A} from now on`);
  expect(first.output).toContain(`${A}: deployed; https://${DOMAIN[A]}:${httpsPort}/`);
  // the entry point's own CA signed every host's certificate: export its root, as `output entry` says
  const out = await project.cliWith("output", ["entry"]);
  expect(out.output).toMatch(/entry_root_ca = docker cp \S+-entry:\S+root\.crt \.\/root\.crt/);
  ca = Buffer.from(
    execDocker(["exec", `${prefix}-entry`, "cat", "/data/caddy/pki/authorities/local/root.crt"]),
  );
});

afterAll(async () => {
  if (!toolchain.ok) return;
  if (figures.length) console.log(`e2e entry figures (${toolchain.summary}):\n  ${figures.join("\n  ")}`);
  project.writeEnv({ ...baseEnv, ENVIRONMENTS: `${A},${B},${C}` });
  await project.cliWith("destroy", [A, B, C, "--auto-approve"]);
  await project.cliWith("destroy", ["entry", "--auto-approve"]);
  removeDockerObjects(`${prefix}-`);
  project.remove();
});

describe("the shared entry point, under a polling client", () => {
  step("adding an environment reloads the entry point without dropping a request to the other", async () => {
    const { result, polled } = await underLoad([DOMAIN[A]], "deploy", [B]);
    expectSuccess(result);
    figures.push(
      `adding ${B}: ${result.seconds.toFixed(1)} s, ${polled[0].ok} requests to ${A} answered, ${polled[0].failed} failed`,
    );
    expect(result.output).toContain(`entry: routes ${B} from now on`);
    expectNoDrops(polled[0], prefix);
    expect(polled[0].ok).toBeGreaterThan(50);
  });

  step(
    "each host name answers 200 over HTTPS with its own environment; HTTP redirects to HTTPS",
    async () => {
      for (const env of [A, B]) {
        const probe = randomBytes(6).toString("hex");
        expect((await httpsGet(DOMAIN[env], `/?probe=${probe}`)).status).toBe(200);
        // the request reached this environment's app, and only it
        const other = env === A ? B : A;
        expect((await run("docker", ["logs", webContainer(env)])).output).toContain(probe);
        expect((await run("docker", ["logs", webContainer(other)])).output).not.toContain(probe);
      }
      // Django sees https through both proxies: its login page is served, not redirected
      expect((await httpsGet(DOMAIN[A], "/admin/login/")).status).toBe(200);
      const redirect = await new Promise<Answer>((resolve, reject) =>
        http
          .get(
            { host: "127.0.0.1", port: httpPort, path: "/some/path?q=1", headers: { Host: DOMAIN[B] } },
            (res) => {
              res.resume();
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body: "" });
            },
          )
          .on("error", reject),
      );
      expect([redirect.status, redirect.headers.location]).toEqual([
        308,
        `https://${DOMAIN[B]}/some/path?q=1`,
      ]);
      // an unknown host name gets no certificate
      await expect(httpsGet("unknown.entry.e2e.test")).rejects.toThrow();
      // the environments' own proxies publish nothing: the entry point is the only way in
      for (const env of [A, B]) expect(execDocker(["port", `${prefix}-${env}-proxy`])).toBe("");
    },
  );

  step("a code redeploy of one environment drops no request, at either host name", async () => {
    const before = webContainer(A);
    const views = project.path("django-app/core/views.py");
    const original = fs.readFileSync(views, "utf8");
    fs.appendFileSync(views, "\nRELEASE_MARK = 2\n");
    const { result, polled } = await underLoad([DOMAIN[A], DOMAIN[B]], "deploy", [A]);
    fs.writeFileSync(views, original);
    expectSuccess(result);
    figures.push(
      `code redeploy of ${A}: ${result.seconds.toFixed(1)} s; ${A}: ${polled[0].ok} answered, ${polled[0].failed} failed; ${B}: ${polled[1].ok} answered, ${polled[1].failed} failed`,
    );
    for (const p of polled) expectNoDrops(p, prefix);
    expect(polled[0].ok).toBeGreaterThan(50);
    expect(webContainer(A)).not.toBe(before);
    // the entry point's configuration did not change: it was left alone
    expect(result.output).toContain("the shared entry point is unchanged since this machine last applied it");
  });

  step("status and diff show the entry point, beside the environment and on its own", async () => {
    const env = await project.cliWith("status", [A]);
    expectSuccess(env);
    expect(env.output).toMatch(new RegExp(`entry\\s+${prefix}-entry\\s+running, healthy`));
    const entry = await project.cliWith("status", ["entry"]);
    expectSuccess(entry);
    expect(entry.output).toMatch(
      new RegExp(`${A}\\s+https://${DOMAIN[A].replace(/\./g, "\\.")}:${httpsPort}/\\s+routed`),
    );
    expect(entry.output).toMatch(new RegExp(`${B}\\s+https://\\S+\\s+routed`));
    // and its plan, read-only: nothing to change
    const diff = await project.cliWith("diff", ["entry"]);
    expectSuccess(diff);
    expect(diff.output).toContain("No changes.");
  });

  step(
    "removing an environment reloads the entry point without dropping a request to the other",
    async () => {
      const { result, polled } = await underLoad([DOMAIN[A]], "destroy", [B]);
      expectSuccess(result);
      figures.push(
        `removing ${B}: ${result.seconds.toFixed(1)} s, ${polled[0].ok} requests to ${A} answered, ${polled[0].failed} failed`,
      );
      expect(result.output).toContain(`entry: no longer routes ${B}`);
      expectNoDrops(polled[0], prefix);
      expect(polled[0].ok).toBeGreaterThan(50);
      await expect(httpsGet(DOMAIN[B])).rejects.toThrow();
      expect((await project.cliWith("output", ["entry"])).output).toMatch(
        new RegExp(`environments = ${A}\\n`),
      );
    },
  );

  step("the entry point is destroyed only once no environment uses it", async () => {
    const refused = await project.cliWith("destroy", ["entry", "--auto-approve"]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`the shared entry point still serves ${A}`);
    expect(execDockerOk(["inspect", `${prefix}-entry`])).toBe(true);
    expectSuccess(await project.cliWith("destroy", [A, "--auto-approve"]));
    expect(execDockerOk(["inspect", `${prefix}-${A}-proxy`])).toBe(false);
    const destroyed = await project.cliWith("destroy", ["entry", "--auto-approve"]);
    expectSuccess(destroyed);
    expect(execDockerOk(["inspect", "--type", "container", `${prefix}-entry`])).toBe(false);
    expect(execDockerOk(["network", "inspect", `${prefix}-entry`])).toBe(false);
  });

  step("PROXY=false: the app answers on its frontend network, to a container of ours", async () => {
    project.writeEnv({ ...baseEnv, ENVIRONMENTS: `${A},${B},${C}` });
    writeEnvironmentFile(C, { PROXY: "false", ENTRY_POINT: "own" });
    const deploy = await project.cliWith("deploy", [C, "--auto-approve"]);
    expectSuccess(deploy);
    expect(deploy.output).toContain(`${C}: deployed; http://${prefix}-${C}-app:8000/`);
    expect(execDockerOk(["inspect", "--type", "container", `${prefix}-${C}-proxy`])).toBe(false);
    expect(execDocker(["port", webContainer(C)])).toBe("");
    const images = await standInImages();
    // a proxy of your own passes the Host its users asked for, one that DJANGO_ALLOWED_HOSTS lists
    const client = await run("docker", [
      "run",
      "--rm",
      "--network",
      `${prefix}-${C}-frontend`,
      images.python,
      "python",
      "-c",
      `import urllib.request as u; r = u.urlopen(u.Request("http://${prefix}-${C}-app:8000/", headers={"Host": "localhost"}), timeout=10); print(r.status, b"Django on Docker" in r.read())`,
    ]);
    expect(client.stdout.trim()).toBe("200 True");
    // a proxy of your own stays joined to the network; destroy lets it go instead of failing on it
    const own = `${prefix}-own-proxy`;
    execDocker([
      "run",
      "-d",
      "--name",
      own,
      "--network",
      `${prefix}-${C}-frontend`,
      images.python,
      "sleep",
      "600",
    ]);
    try {
      const destroyed = await project.cliWith("destroy", [C, "--auto-approve"]);
      expectSuccess(destroyed);
      expect(destroyed.output).toContain(
        `${own} is not ${C}'s: it leaves the network ${prefix}-${C}-frontend`,
      );
      expect(execDockerOk(["network", "inspect", `${prefix}-${C}-frontend`])).toBe(false);
    } finally {
      execDockerOk(["rm", "-f", own]);
    }
  });
});
