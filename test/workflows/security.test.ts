/**
 * The security route of the workflows, checked on the files themselves so that a change that
 * breaks it fails here (zizmor and actionlint run in `npm run lint:workflows`):
 * - the pull request's own workflow (pull_request) names no production secret and no production
 *   environment: it runs in `development` only;
 * - production is planned only from the default branch's definition (pull_request_target), in the
 *   approval-gated `production-plan`, at the exact head SHA, by a job without a write token;
 * - deploys and the drift watch run only on the default branch, production only in `production`;
 * - every action is pinned to a full commit SHA, no checkout keeps credentials, no job caches
 *   dependencies, every job states its permissions, every workflow has a concurrency group.
 */
import * as fs from "fs";
import * as path from "path";

const DIR = path.resolve(__dirname, "..", "..", ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"));

interface Job {
  readonly id: string;
  readonly text: string;
}

/** The jobs of a workflow: each `  <id>:` block under `jobs:` (the files are written two-space indented). */
function jobs(text: string): Job[] {
  const body = text.slice(text.search(/^jobs:\s*$/m));
  const starts = [...body.matchAll(/^ {2}([A-Za-z0-9_-]+):\s*$/gm)];
  return starts.map((m, i) => ({
    id: m[1],
    text: body.slice(m.index!, i + 1 < starts.length ? starts[i + 1].index : undefined),
  }));
}
const field = (job: Job, name: string) => new RegExp(`^ {4}${name}: (.+)$`, "m").exec(job.text)?.[1];
const DEFAULT_BRANCH = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)";

describe("every workflow", () => {
  it.each(files)("%s pins every action to a full commit SHA and names the release", (file) => {
    const uses = [...read(file).matchAll(/^\s*(?:-\s+)?uses: (\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, ref, comment] of uses) {
      expect({ ref, pinned: /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(ref) }).toEqual({ ref, pinned: true });
      expect({ ref, comment }).toEqual({ ref, comment: expect.stringMatching(/^ # v\d+\.\d+\.\d+$/) });
    }
  });

  it.each(files)("%s keeps no credentials after checkout and caches no dependencies", (file) => {
    const text = read(file);
    const checkouts = text.split(/^\s*- uses: actions\/checkout@/m).slice(1);
    for (const c of checkouts) expect(c.split(/^\s*- /m)[0]).toMatch(/persist-credentials: false/);
    for (const node of text.split(/^\s*- uses: actions\/setup-node@/m).slice(1)) {
      expect(node.split(/^\s*- /m)[0]).toMatch(/package-manager-cache: false/);
    }
    expect(text).not.toMatch(/actions\/cache@/);
    expect(text).not.toMatch(/^\s+cache: (?!false)/m);
  });

  it.each(files)("%s grants nothing at the top and states each job's permissions", (file) => {
    const text = read(file);
    expect(text).toMatch(/^permissions: \{\}$/m);
    expect(text).toMatch(/^concurrency:$/m);
    for (const job of jobs(text)) {
      expect({ job: job.id, permissions: /^ {4}permissions:/m.test(job.text) }).toEqual({
        job: job.id,
        permissions: true,
      });
      expect(job.text).not.toMatch(/write-all|read-all/);
    }
  });

  it.each(files)("%s never expands an expression inside a shell script", (file) => {
    for (const run of read(file).matchAll(/^(\s*)run: (?:[|>]-?\n((?:\1 {2}.*\n|\s*\n)*)|(.*))$/gm)) {
      expect(run[2] ?? run[3]).not.toMatch(/\$\{\{/);
    }
  });
});

describe("the pull request's own workflow (pr-plan.yml)", () => {
  const text = read("pr-plan.yml");

  it("runs on pull_request, in the development environment only", () => {
    expect(text).toMatch(/^on:\n {2}pull_request:\n/m);
    expect(
      jobs(text)
        .map((j) => field(j, "environment"))
        .filter(Boolean),
    ).toEqual(["development"]);
    expect(text).not.toMatch(/environment: .*production/);
  });

  it("names no production secret and no production host", () => {
    const secrets = [...text.matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1]);
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter((s) => /__PROD/.test(s))).toEqual([]);
    // the host and its key come from the development environment's secrets of the same name
    const all = jobs(text);
    const plan = all.find((j) => field(j, "environment") === "development")!;
    expect(plan.text).toMatch(/DOCKER_HOST: \$\{\{ secrets\.DOCKER_HOST \}\}/);
    const other = all.filter((j) => j !== plan);
    for (const j of other) expect(j.text).not.toMatch(/secrets\.(?!GITHUB_TOKEN)/);
  });

  it("plans development environments only, and says production credentials live elsewhere", () => {
    expect(text).toMatch(/npm run plan:pr -- "\$\{envs\[@\]\}" --only-kind development/);
    expect(text).toMatch(/production\s+#?\s*credentials live ONLY on the environments `production-plan`/);
  });

  it("gives the token that writes the comment to a job without secrets, and a read-only token to the plan", () => {
    const [plan, comment] = jobs(text);
    expect(plan.text).toMatch(/permissions:\n {6}contents: read/);
    expect(plan.text).not.toMatch(/: write/);
    expect(comment.text).toMatch(/pull-requests: write/);
  });
});

describe("the production plan (pr-plan-production.yml)", () => {
  const text = read("pr-plan-production.yml");
  const [plan, comment] = jobs(text);

  it("runs the default branch's definition, with its trigger justified for zizmor", () => {
    expect(text).toMatch(
      /^on:\n(\s+#.*\n)*\s+# zizmor: ignore\[dangerous-triggers\] -- .+\n(\s+#.*\n)* {2}pull_request_target:/m,
    );
  });

  it("plans only after approval in production-plan, at the exact head SHA, without a write token", () => {
    expect(field(plan, "environment")).toBe("production-plan");
    expect(plan.text).toMatch(/ref: \$\{\{ github\.event\.pull_request\.head\.sha \}\}/);
    expect(plan.text).toMatch(/permissions:\n {6}contents: read #/);
    expect(plan.text).not.toMatch(/: write/);
    expect(plan.text).toMatch(/--only-kind production/);
    expect(plan.text).toMatch(
      /name: production-plans-pr\$\{\{ github\.event\.pull_request\.number \}\}-\$\{\{ github\.event\.pull_request\.head\.sha \}\}/,
    );
  });

  it("writes the comment from the default branch's code, holding no secret", () => {
    expect(comment.text).not.toMatch(/ref:/);
    expect(comment.text).not.toMatch(/secrets\./);
    expect(comment.text).toMatch(/pull-requests: write/);
  });
});

describe("deploys and the drift watch run on the default branch only", () => {
  it.each(["deploy.yml", "drift-watch.yml"])("%s guards every job of a dispatchable workflow", (file) => {
    const text = read(file);
    expect(text).toMatch(/^ {2}workflow_dispatch:/m);
    for (const job of jobs(text).filter((j) => !/^ {4}needs: production$/m.test(j.text))) {
      expect({ job: job.id, guard: field(job, "if") ?? "" }).toEqual({
        job: job.id,
        guard: expect.stringContaining(DEFAULT_BRANCH),
      });
    }
  });

  it("deploys production only in the production environment, from verified saved plans, with a fresh approval for a new plan", () => {
    const text = read("deploy.yml");
    const byId = Object.fromEntries(jobs(text).map((j) => [j.id, j]));
    expect(field(byId.production, "environment")).toBe("production");
    expect(field(byId["production-replanned"], "environment")).toBe("production");
    expect(byId.production.text).toMatch(/--saved-plans "\$SAVED"/);
    expect(byId.production.text).toMatch(
      /run\.path === "\.github\/workflows\/pr-plan-production\.yml" && run\.event === "pull_request_target"/,
    );
    expect(byId["production-replanned"].text).toMatch(/--saved-plans "\$SAVED"/);
    expect(text).not.toMatch(/cdktf\.out\/manifest\.json/);
  });
});
