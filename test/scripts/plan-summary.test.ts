import { readFileSync } from "fs";
import { join } from "path";
import {
  COMMENT_MARKER,
  GITHUB_COMMENT_LIMIT,
  PlanFormatError,
  PlanResourceChange,
  StackCounts,
  classifyActions,
  parseArgs,
  renderComment,
  runCli,
  statefulBecause,
  summarizeStack,
} from "../../scripts/plan-summary";

// Real `terraform show -json` / `show -no-color` output, made by test/fixtures/plans/src/generate.sh.
const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const parsed = new Map<string, string>();
const fixture = (name: string): unknown => {
  if (!parsed.has(name)) parsed.set(name, readFileSync(join(FIXTURES, `${name}.json`), "utf8"));
  return JSON.parse(parsed.get(name)!); // a fresh object each time: tests may not share mutations
};
const fixtureText = (name: string): string => readFileSync(join(FIXTURES, `${name}.txt`), "utf8");
const comment = (name: string, withText = true) =>
  renderComment([{ stack: "dev", plan: fixture(name), planText: withText ? fixtureText(name) : undefined }]);

// The throwaway stack's sensitive variables; they are in the fixtures' plaintext `variables`,
// `before` and `after`, so any leak would show up in the rendered comment.
const SECRETS = ["fixture-db-password-1", "fixture-db-password-2", "fixture-django-secret-1"];

const zero: StackCounts = {
  add: 0,
  change: 0,
  replace: 0,
  destroy: 0,
  forget: 0,
  import: 0,
  move: 0,
  read: 0,
};

const SCENARIOS: Record<string, { counts: Partial<StackCounts>; atRisk: string[] }> = {
  "all-create": { counts: { add: 6, read: 1 }, atRisk: [] },
  "no-op": { counts: {}, atRisk: [] },
  "app-rebuild": { counts: { replace: 2 }, atRisk: [] },
  "db-image-changed": { counts: { replace: 2 }, atRisk: ["docker_container.db"] },
  "secret-rotated": { counts: { replace: 2 }, atRisk: ["docker_container.db"] },
  "web-updated": { counts: { change: 1 }, atRisk: [] },
  "volume-destroyed": { counts: { destroy: 1 }, atRisk: ["docker_volume.data"] },
  "volume-forgotten": { counts: { forget: 1 }, atRisk: [] },
  "db-tainted": { counts: { replace: 1 }, atRisk: ["docker_container.db"] },
};

// The same scenarios planned by OpenTofu: they must summarise identically.
const TOFU = ["app-rebuild", "secret-rotated", "volume-destroyed", "volume-forgotten"];
const CASES = Object.entries(SCENARIOS).flatMap(([name, expected]) =>
  TOFU.includes(name)
    ? [[name, expected] as const, [`tofu-${name}`, expected] as const]
    : [[name, expected] as const],
);

/** A resource change from a real plan, with its labels swapped (for label-rule cases). */
function withLabels(labels: unknown, where: "before" | "after" | "both" = "both"): PlanResourceChange {
  const plan = fixture("db-image-changed") as { resource_changes: PlanResourceChange[] };
  const db = plan.resource_changes.find((rc) => rc.address === "docker_container.db")!;
  const patch = (side: "before" | "after") =>
    where === side || where === "both"
      ? { ...(db.change[side] as object), labels }
      : { ...(db.change[side] as object), labels: [] };
  return {
    ...db,
    type: "docker_container",
    change: { ...db.change, before: patch("before"), after: patch("after") },
  };
}

describe("summarizeStack on real terraform plans", () => {
  it.each(CASES)("counts the changes of %s", (name, expected) => {
    expect(summarizeStack("dev", fixture(name)).counts).toEqual({ ...zero, ...expected.counts });
  });

  it.each(CASES)("flags exactly the stateful resources at risk in %s", (name, expected) => {
    expect(summarizeStack("dev", fixture(name)).atRisk.map((c) => c.address)).toEqual(expected.atRisk);
  });

  it("explains why the database is replaced", () => {
    const [db] = summarizeStack("dev", fixture("db-image-changed")).atRisk;
    expect(db).toMatchObject({ kind: "replace", stateful: "database", reason: "`image` changed" });
    expect(summarizeStack("dev", fixture("db-tainted")).atRisk[0].reason).toBe("it is tainted");
    expect(summarizeStack("dev", fixture("volume-destroyed")).atRisk[0]).toMatchObject({
      kind: "delete",
      stateful: "data volume",
      reason: "it is no longer in the configuration",
    });
  });

  it("names the attributes of an in-place update", () => {
    expect(summarizeStack("dev", fixture("web-updated")).changes[0].reason).toBe("`restart` changed");
  });

  it("calls out an image rebuild with its cause and the containers it replaces", () => {
    expect(summarizeStack("dev", fixture("app-rebuild")).images).toEqual([
      {
        address: "docker_image.app",
        verb: "rebuilt",
        reason: "`name`, `triggers.context_sha` changed",
        replacesContainers: ["docker_container.web"],
      },
    ]);
  });

  it("reports a first build but not a pulled image", () => {
    const images = summarizeStack("dev", fixture("all-create")).images;
    expect(images.map((i) => [i.address, i.verb])).toEqual([["docker_image.app", "built"]]);
  });
});

describe("stateful resources", () => {
  it("recognises a set of {label, value} blocks (provider 3.x)", () => {
    expect(statefulBecause(withLabels([{ label: "django-cdktf.stateful", value: "true" }]))).toBe(
      "labelled django-cdktf.stateful=true",
    );
    expect(statefulBecause(withLabels([{ label: "django-cdktf.role", value: "database" }]))).toBe("database");
  });

  it("recognises a label map and labels present only before the change", () => {
    expect(statefulBecause(withLabels({ "django-cdktf.stateful": "true" }))).toBeDefined();
    expect(statefulBecause(withLabels([{ label: "django-cdktf.role", value: "database" }], "before"))).toBe(
      "database",
    );
  });

  it("does not flag other containers", () => {
    expect(statefulBecause(withLabels([{ label: "django-cdktf.role", value: "web" }]))).toBeUndefined();
    expect(statefulBecause(withLabels([{ label: "django-cdktf.stateful", value: "false" }]))).toBeUndefined();
  });
});

describe("classifyActions", () => {
  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["read"], "read"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
    [["delete", "something-new"], "delete"],
    [["something-new"], "unknown"],
  ])("%j is %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });

  it("treats create-before-destroy like any replacement of a stateful resource", () => {
    const rc = withLabels([{ label: "django-cdktf.role", value: "database" }]);
    const plan = {
      format_version: "1.2",
      resource_changes: [{ ...rc, change: { ...rc.change, actions: ["create", "delete"] } }],
    };
    expect(summarizeStack("dev", plan).atRisk).toHaveLength(1);
  });
});

describe("renderComment", () => {
  it("starts with the marker the workflow looks for", () => {
    expect(comment("no-op").split("\n")[0]).toBe(COMMENT_MARKER);
  });

  it.each(CASES)("warns loudly only when data is at risk (%s)", (name, expected) => {
    const body = comment(name);
    expect(body.includes("> [!CAUTION]")).toBe(expected.atRisk.length > 0);
    for (const address of expected.atRisk)
      expect(body).toMatch(new RegExp(`^> - \`dev\`: \`${address}\``, "m"));
  });

  it("shows the counts table and a rebuild callout", () => {
    const body = comment("app-rebuild");
    expect(body).toContain("| `dev` | 0 | 0 | 2 | 0 | 1 image rebuild |");
    expect(body).toContain(
      "**Image rebuilt:** `docker_image.app` (`name`, `triggers.context_sha` changed); this replaces `docker_container.web`.",
    );
  });

  it("folds the full plan text", () => {
    const body = comment("web-updated");
    expect(body).toMatch(
      /<details><summary>Full plan for <code>dev<\/code> \(\d+ lines\)<\/summary>\n\n```text\n/,
    );
    expect(body).toContain('~ restart                                     = "unless-stopped" -> "always"');
  });

  it.each([true, false])("never prints a sensitive value (plan text given: %s)", (withText) => {
    const names = CASES.map(([name]) => name);
    const raw = names.map((n) => JSON.stringify(fixture(n))).join("");
    expect(raw).toContain(SECRETS[0]); // the fixtures do hold them, so the check below means something
    for (const name of names) {
      const body = comment(name, withText);
      for (const secret of SECRETS) expect(body).not.toContain(secret);
    }
  });

  it("renders changes from JSON when no plan text is given, masking sensitive attributes", () => {
    const body = comment("secret-rotated", false);
    expect(body).toContain("# docker_container.db must be replaced");
    expect(body).toContain("~ env: (sensitive) -> (sensitive)  # forces replacement");
    expect(comment("web-updated", false)).toContain('~ restart: "unless-stopped" -> "always"');
  });

  it("redacts given secret values wherever they appear", () => {
    const body = renderComment(
      [{ stack: "dev", plan: fixture("web-updated"), planText: 'env = "TOKEN=hunter2-secret"' }],
      { secrets: ["hunter2-secret", "ab"] },
    );
    expect(body).not.toContain("hunter2-secret");
    expect(body).toContain("TOKEN=(redacted)");
  });

  it("truncates long plans to fit GitHub's comment limit, keeping the summary", () => {
    const long = Array.from({ length: 20000 }, (_, i) => `  ~ line ${i}`).join("\n");
    const body = renderComment([
      { stack: "dev", plan: fixture("db-image-changed"), planText: long },
      { stack: "prod", plan: fixture("web-updated"), planText: fixtureText("web-updated") },
    ]);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2000);
    expect(body).toContain("> [!CAUTION]");
    expect(body).toMatch(/_Truncated: showing \d+ of 20000 lines/);
    expect(body).toContain("unless-stopped"); // the short plan is kept whole
    expect(body.match(/^```/gm)).toHaveLength(4); // every fence is closed
  });

  it("honours a smaller limit", () => {
    const body = renderComment(
      [{ stack: "dev", plan: fixture("app-rebuild"), planText: fixtureText("app-rebuild") }],
      {
        maxChars: 3000,
      },
    );
    expect(body.length).toBeLessThanOrEqual(3000);
    expect(body).toContain("_Truncated: showing");
  });

  it("uses a longer fence when the plan text holds one", () => {
    const body = renderComment([{ stack: "dev", plan: fixture("web-updated"), planText: "a\n```\nb" }]);
    expect(body).toContain("````text\na\n```\nb\n````");
  });

  it("reports failed stacks", () => {
    const body = renderComment(
      [
        { stack: "dev", plan: fixture("no-op") },
        { stack: "prod", failed: true },
      ],
      {
        runUrl: "https://github.com/o/r/actions/runs/1",
      },
    );
    expect(body).toContain("| `prod` | – | – | – | – | plan failed |");
    expect(body).toContain("> [!WARNING]\n> The plan failed for `prod`");
    expect(body).toContain("[the workflow run](https://github.com/o/r/actions/runs/1)");
  });

  it("rejects input that is not plan JSON", () => {
    expect(() => summarizeStack("dev", { format_version: "1.0", values: {} })).toThrow(
      /state JSON, not plan JSON/,
    );
    expect(() => summarizeStack("dev", { format_version: "2.0" })).toThrow(/2.0 is not supported/);
    expect(() => summarizeStack("dev", [])).toThrow(PlanFormatError);
  });
});

describe("OpenTofu plans", () => {
  it("call out an image rebuild like terraform's", () => {
    expect(summarizeStack("dev", fixture("tofu-app-rebuild")).images).toEqual(
      summarizeStack("dev", fixture("app-rebuild")).images,
    );
  });
});

describe("CLI", () => {
  const files: Record<string, string> = {
    "plan.json": JSON.stringify(fixture("db-image-changed")),
    "plan.txt": fixtureText("db-image-changed"),
    "broken.json": "{not json",
    "state.json": JSON.stringify({ format_version: "1.0", values: {} }),
  };
  const read = (path: string) => {
    if (path in files) return files[path];
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  };
  const run = (...argv: string[]) => runCli(argv, read, { DATABASE_PASSWORD: "sup3r-s3cret" });

  it("writes the comment for valid arguments", () => {
    const result = run("--stack", "dev=plan.json:plan.txt", "--failed", "prod", "--commit", "0123abcd");
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("commit `0123abcd`");
    expect(result.stdout).toContain("| `prod` | – |");
  });

  it("accepts --option=value and redacts named environment variables", () => {
    files["secret.txt"] = "password = sup3r-s3cret";
    const result = run("--stack=dev=plan.json:secret.txt", "--redact-env=DATABASE_PASSWORD,UNSET_VAR");
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain("sup3r-s3cret");
  });

  it.each([
    [["--stak", "dev=plan.json"], 'unknown option "--stak"; known options: --stack'],
    [["dev=plan.json"], 'unexpected argument "dev=plan.json"; stacks are given as --stack NAME=PLAN_JSON'],
    [["--stack"], "--stack needs a value, e.g. --stack dev=cdktf.out/stacks/dev/plan.json"],
    [
      ["--stack", "plan.json"],
      '--stack "plan.json" is not NAME=PLAN_JSON[:PLAN_TEXT]; write e.g. --stack dev=',
    ],
    [["--stack", "d ev=plan.json"], 'stack name "d ev" may only contain letters, digits, "-" and "_"'],
    [["--stack", "dev=a:b:c"], "expected PLAN_JSON or PLAN_JSON:PLAN_TEXT"],
    [["--stack", "dev=plan.json", "--stack", "dev=plan.json"], 'stack "dev" is given twice'],
    [["--commit", "main", "--stack", "dev=plan.json"], '--commit "main" is not a commit SHA'],
    [["--run-url", "http://x", "--stack", "dev=plan.json"], '--run-url "http://x" is not an https:// URL'],
    [["--redact-env", "A-B", "--stack", "dev=plan.json"], '"A-B" is not an environment variable name'],
    [[], "no stacks given"],
  ])("rejects %j with a message that names the problem and the fix", (argv, message) => {
    const result = run(...argv);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^plan-summary: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("usage: plan-summary.ts");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("reports every argument error at once", () => {
    const parsed = parseArgs(["--bogus", "--commit", "xyz"]);
    expect(parsed.ok ? [] : parsed.errors).toHaveLength(3);
  });

  it.each([
    ["dev=missing.json", 'stack "dev": cannot read plan JSON "missing.json" (no such file)'],
    ["dev=broken.json", 'stack "dev": "broken.json" is not JSON'],
    [
      "dev=state.json",
      'stack "dev": this is state JSON, not plan JSON; pass the output of "terraform show -json',
    ],
    ["dev=plan.json:missing.txt", 'stack "dev": cannot read plan text "missing.txt" (no such file)'],
  ])("exits 2 without a stack trace for --stack %s", (arg, message) => {
    const result = run("--stack", arg);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`plan-summary: ${message}`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("prints usage for --help", () => {
    expect(run("--help")).toMatchObject({
      status: 0,
      stdout: expect.stringContaining("--stack NAME=PLAN_JSON"),
    });
  });
});
