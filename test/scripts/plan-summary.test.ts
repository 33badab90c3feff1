import * as fs from "fs";
import * as os from "os";
import { join } from "path";
import {
  COMMENT_MARKER,
  EnvironmentInput,
  GITHUB_COMMENT_LIMIT,
  PlanFormatError,
  REDACTED,
  classifyActions,
  constructPathOf,
  normalize,
  parseArgs,
  parseComment,
  renderComment,
  reportOf,
  runCli,
  summarizeStack,
} from "../../scripts/plan-summary";
import { loadPlans } from "../../scripts/plan-pr";

// Real plans of today's stacks (`<env>` and `<env>-app`), made by `npm run plan:pr` against a real
// Docker engine: test/fixtures/plans/src/generate.sh.
const FIXTURES = join(__dirname, "..", "fixtures", "plans");
const fixture = (name: string): EnvironmentInput[] => loadPlans(join(FIXTURES, name));
const render = (name: string, options = {}) =>
  renderComment(fixture(name), { mode: "pull-request", ...options });
/** What a reviewer reads before opening a folded plan. */
const aboveFold = (body: string) => body.slice(0, body.indexOf("<details>"));

const SCENARIOS: Record<
  string,
  { verdict: string; risks: string[]; drift: string[]; changed: Record<string, string> }
> = {
  "first-deploy": {
    verdict: "safe changes",
    risks: [],
    drift: [],
    changed: { "Database/Container": "create" },
  },
  "no-change": { verdict: "no changes", risks: [], drift: [], changed: {} },
  "app-stopped": {
    verdict: "safe changes",
    risks: [],
    drift: ["App/Web stopped"],
    changed: { "App/Web": "update" },
  },
  "db-stopped": {
    verdict: "needs care",
    risks: ["database-down Database/Container"],
    drift: ["Database/Container stopped"],
    changed: { "Database/Container": "update" },
  },
  "app-rebuild": {
    verdict: "safe changes",
    risks: ["rebuild AppImage/Image"],
    drift: [],
    changed: { "AppImage/Image": "replace", "App/Web": "replace", "App/Proxy/Gate": "update" },
  },
  "db-image-changed": {
    verdict: "needs care",
    risks: ["database Database/Container"],
    drift: [],
    changed: { "Database/Container": "replace", "Database/Image": "replace", "Secrets/Writer": "replace" },
  },
  "review-example": {
    verdict: "needs care",
    risks: ["database Database/Container"],
    drift: ["App/Web stopped"],
    changed: { "Database/Container": "replace", "App/Web": "update" },
  },
  "secret-rotated": {
    verdict: "needs care",
    risks: ["secret Database/PasswordSync,Secrets/Writer"],
    drift: [],
    changed: { "Secrets/Writer": "replace", "App/Web": "replace" },
  },
  "db-memory-updated": {
    verdict: "safe changes",
    risks: [],
    drift: [],
    changed: { "Database/Container": "update" },
  },
  "proxy-removed": {
    verdict: "destroys data",
    risks: ["data Proxy/DataVolume", "downtime Proxy/Container"],
    drift: [],
    changed: { "Proxy/DataVolume": "delete", "Proxy/Container": "delete", "App/Web": "replace" },
  },
  "data-volume-forgotten": {
    verdict: "needs care",
    risks: ["forget Database_data_volume"],
    drift: [],
    changed: { Database_data_volume: "forget" },
  },
};
const NAMES = Object.keys(SCENARIOS);

it("covers every recorded scenario", () => {
  const recorded = fs
    .readdirSync(FIXTURES)
    .filter((f) => fs.existsSync(join(FIXTURES, f, "environments.json")));
  expect(recorded.sort()).toEqual([...NAMES].sort());
});

describe("the summary of real plans", () => {
  it.each(NAMES)("%s: verdict, risks, drift and actions", (name) => {
    const expected = SCENARIOS[name];
    const report = reportOf(fixture(name)[0]);
    expect(report.verdict).toBe(expected.verdict);
    const risks = report.summaries.flatMap((s) => s.risks);
    expect(risks.map((r) => `${r.kind} ${"path" in r ? r.path : r.paths.join(",")}`).sort()).toEqual(
      [...expected.risks].sort(),
    );
    expect(report.summaries.flatMap((s) => s.drift).map((d) => `${d.path} ${d.what}`)).toEqual(
      expected.drift,
    );
    const rows = report.summaries.flatMap((s) => s.rows);
    for (const [path, kind] of Object.entries(expected.changed)) {
      expect({ path, kind: rows.find((r) => r.path === path)?.kind }).toEqual({ path, kind });
    }
    if (name === "no-change") expect(rows.every((r) => r.kind === "no-op")).toBe(true);
  });

  it("names every resource of both stacks by construct path, never by logical id", () => {
    for (const name of NAMES) {
      for (const row of reportOf(fixture(name)[0]).summaries.flatMap((s) => s.rows)) {
        expect(row.path).not.toMatch(/_[0-9A-F]{8}$/);
      }
    }
    const rows = reportOf(fixture("no-change")[0]).summaries.flatMap((s) => s.rows);
    expect(rows.map((r) => r.path)).toEqual(
      expect.arrayContaining(["Database/Container", "App/Web", "AppImage/Image"]),
    );
    expect(rows).toHaveLength(21);
  });

  it("explains the database replacement: what changed, the image and where the data stays", () => {
    const [risk] = reportOf(fixture("db-image-changed")[0]).summaries[0].risks;
    expect(risk).toMatchObject({
      kind: "database",
      path: "Database/Container",
      action: "replaced",
      why: { attributes: ["image"] },
      image: { from: "standin/postgres:17", to: "standin/postgres:17-plan15fx" },
      volume: "plan15fx-dev-pgdata",
    });
  });

  it("names the trigger of a rebuild and the release it replaces without downtime", () => {
    const risk = reportOf(fixture("app-rebuild")[0]).summaries[1].risks[0];
    expect(risk).toMatchObject({
      kind: "rebuild",
      path: "AppImage/Image",
      why: { attributes: ["name", "triggers.source_hash"] },
      replaces: ["App/Migrate", "App/Web"],
      noDowntime: true,
    });
  });

  it("names the rotated secret files, and not a one-shot that only runs again", () => {
    const rotated = reportOf(fixture("secret-rotated")[0]).summaries[0].risks;
    expect(rotated).toEqual([
      expect.objectContaining({ kind: "secret", files: ["database_app_password", "database_password"] }),
    ]);
    // a new database image re-runs the secret writers with it, with the same files
    expect(reportOf(fixture("db-image-changed")[0]).summaries[0].risks.map((r) => r.kind)).toEqual([
      "database",
    ]);
  });

  it("ignores the defaults a refresh fills in (null read back as 0, false or empty)", () => {
    const plan = fixture("no-change")[0].stacks[0].plan as { resource_drift: unknown[] };
    expect(plan.resource_drift.length).toBeGreaterThan(5); // the provider reports them all as drift
    expect(reportOf(fixture("no-change")[0]).summaries[0].drift).toEqual([]);
    expect(normalize({ a: null, b: [], c: { d: 0, e: false, f: "" } })).toBeUndefined();
    expect(normalize({ must_run: true })).toEqual({ must_run: true });
  });

  it("derives a construct path from a logical id when the configuration no longer has it", () => {
    expect(constructPathOf("docker_volume.Proxy_DataVolume_F860E52C", {})).toBe("Proxy/DataVolume");
    expect(constructPathOf("docker_volume.x", { "docker_volume.x": "Database/DataVolume" })).toBe(
      "Database/DataVolume",
    );
  });

  it.each([
    [["no-op"], "no-op"],
    [["create"], "create"],
    [["update"], "update"],
    [["delete", "create"], "replace"],
    [["create", "delete"], "replace"],
    [["delete"], "delete"],
    [["forget"], "forget"],
    [["delete", "something-new"], "delete"],
    [["something-new"], "unknown"],
  ])("classifies %j as %s", (actions, kind) => {
    expect(classifyActions(actions)).toBe(kind);
  });

  it("rejects input that is not plan JSON", () => {
    expect(() => summarizeStack("dev", { format_version: "1.0", values: {} })).toThrow(
      /state JSON, not plan JSON/,
    );
    expect(() => summarizeStack("dev", { format_version: "2.0" })).toThrow(/2.0 is not supported/);
    expect(() => summarizeStack("dev", { format_version: "1.2", resource_drift: [{}] })).toThrow(
      PlanFormatError,
    );
  });
});

describe("the comment", () => {
  // What a reviewer reads is pinned: a change to it shows in review.
  it.each(NAMES)("%s: the part above the folded plans", (name) => {
    expect(aboveFold(render(name))).toMatchSnapshot();
  });

  it.each(NAMES)(
    "%s: no colour code and no hashed id above the fold; addresses only in the plans",
    (name) => {
      const body = render(name);
      // eslint-disable-next-line no-control-regex
      expect(body).not.toMatch(/\u001b/);
      expect(aboveFold(body)).not.toMatch(/[A-Za-z]_[0-9A-F]{8}\b/);
      expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
      expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    },
  );

  it("orders it for a reviewer: verdict, risks (database first), drift, table, next steps, then the plans", () => {
    const body = render("review-example");
    const at = (text: string) => {
      const i = body.indexOf(text);
      expect({ text, found: i >= 0 }).toEqual({ text, found: true });
      return i;
    };
    const order = [
      at("🟠 **<code>dev</code>: needs care** · database restart"),
      at("**Risks**"),
      at(
        "- **Database restart**: <code>Database/Container</code> is replaced because <code>image</code> changed",
      ),
      at("**Drift** (changed outside Terraform)"),
      at("- <code>App/Web</code> was stopped (exit code 0); the apply starts it again."),
      at("| Resource | Action | Why |"),
      at("| <code>Database/Container</code> | **replace** | <code>image</code> changed |"),
      at("**Next steps**"),
      at("<code>npm run rollback -- dev</code>"),
      at("<details><summary>Full plan of <code>dev</code>"),
      at("docker_container.Database_Container_2EDFF63D must be replaced"),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // the database replacement is the first risk
    expect(body.slice(at("**Risks**")).split("\n")[2]).toMatch(/^- \*\*Database restart\*\*/);
  });

  it("lists creations in the table", () => {
    expect(render("first-deploy")).toContain("| <code>Database/Container</code> | create | new |");
  });

  it("says what merging does for production and for development", () => {
    const inputs = fixture("db-image-changed");
    const prod = renderComment([{ ...inputs[0], environment: "prod", kind: "production" }], {
      mode: "pull-request",
    });
    expect(prod).toContain(
      "Merging asks the <code>production</code> reviewers to approve, then applies exactly this plan",
    );
    expect(render("db-image-changed")).toContain("Merging deploys <code>dev</code> from the default branch.");
    expect(renderComment(inputs, { mode: "local" })).toContain(
      "<code>npm run deploy -- dev --auto-approve --saved-plans cdktf.out/plans</code>",
    );
  });

  it("folds each stack's plan, HTML-escaped, in a <pre> block", () => {
    const body = render("app-rebuild");
    expect(body).toMatch(
      /<details><summary>Full plan of <code>dev-app<\/code> \(the app's releases\), \d+ lines<\/summary>\n\n<pre>\n/,
    );
    expect(body).toContain("~ resource &quot;terraform_data&quot; &quot;App_Proxy_Gate_");
  });

  it("reports a stack that could not be planned, with the error escaped", () => {
    const [env] = fixture("no-change");
    const body = renderComment([
      { ...env, stacks: [env.stacks[0], { stack: "dev-app", error: "Error: <b>boom</b> `x`" }] },
    ]);
    expect(body).toContain("❌ **<code>dev</code>: plan failed**");
    expect(body).toContain(
      "**Plan failed** for <code>dev-app</code>:\n\n<pre>\nError: &lt;b&gt;boom&lt;/b&gt; `x`\n</pre>",
    );
  });
});

describe("escaping, redaction and truncation", () => {
  const base = () => fixture("review-example")[0];
  const hostile = "Evil`</code><img src=x onerror=alert(1)>|[x](https://evil.example)*@team_";

  it("escapes every value for markdown and HTML: no tag, link, pipe or mention gets through", () => {
    const env = base();
    const paths = { ...env.stacks[0].paths, "docker_container.Database_Container_2EDFF63D": hostile };
    const body = renderComment([{ ...env, stacks: [{ ...env.stacks[0], paths }, env.stacks[1]] }]);
    const top = aboveFold(body);
    expect(top).not.toContain("<img");
    expect(top).not.toContain("](https://evil");
    expect(top).not.toContain("`</code>");
    expect(top).toContain(
      "<code>Evil\\`&lt;/code&gt;&lt;img src=x onerror=alert\\(1\\)&gt;&#124;\\[x\\]\\(https://evil.example\\)\\*@team\\_</code>",
    );
    // every table row still has exactly its three cells
    for (const row of top.split("\n").filter((l) => l.startsWith("| <code>"))) {
      expect(row.split(" | ")).toHaveLength(3);
    }
  });

  it("escapes the plan text: it can neither close its block nor inject HTML", () => {
    const env = base();
    const text =
      "line 1\n</pre></details><script>alert(1)</script>\n```\n<!-- django-cdktf-plan:end plan dev -->";
    const body = renderComment([{ ...env, stacks: [{ ...env.stacks[0], text }, env.stacks[1]] }]);
    expect(body).not.toContain("<script>");
    expect(body).toContain("&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;");
    expect(parseComment(body).map((r) => r.kind)).toEqual(["verdict", "summary", "plan"]);
  });

  it("removes terminal colour codes from plan text and values", () => {
    const env = base();
    const text = "\u001b[1m\u001b[33m~\u001b[0m update\r\n";
    const paths = {
      ...env.stacks[0].paths,
      "docker_container.Database_Container_2EDFF63D": "\u001b[31mDatabase\u001b[0m/Container",
    };
    const body = renderComment([{ ...env, stacks: [{ ...env.stacks[0], text, paths }, env.stacks[1]] }]);
    // eslint-disable-next-line no-control-regex
    expect(body).not.toMatch(/[\u001b\r]/);
    expect(body).toContain("<code>Database/Container</code>");
  });

  it("redacts secrets in their escaped form too (redaction runs after escaping)", () => {
    const env = base();
    const secret = "p<ss&w|rd`-0123456789";
    const text = `password = "${secret}"`;
    const paths = { ...env.stacks[0].paths, "docker_container.Database_Container_2EDFF63D": `db ${secret}` };
    const body = renderComment([{ ...env, stacks: [{ ...env.stacks[0], text, paths }, env.stacks[1]] }], {
      secrets: [secret],
    });
    expect(body).toContain(`password = &quot;${REDACTED}&quot;`);
    expect(body).toContain(`<code>db ${REDACTED}</code>`);
    for (const form of ["p<ss", "p&lt;ss", "w|rd", "w&#124;rd", "0123456789"])
      expect(body).not.toContain(form);
  });

  it("cuts only after redacting: a secret split by the cut cannot leak any part of itself", () => {
    const env = base();
    // a multi-line secret (a TLS key, say): cuts at line ends can fall inside it
    const secretLines = Array.from({ length: 6 }, (_, i) => `KEYLINE${i}-${"abcdefghij".repeat(3)}-${i}`);
    const secret = secretLines.join("\n");
    const filler = (tag: string) =>
      Array.from({ length: 200 }, (_, i) => `  ${tag} ${i} ${"x".repeat(40)}`).join("\n");
    const text = `${filler("before")}\n${secret}\n${filler("after")}`;
    const input = [
      {
        ...env,
        stacks: [
          { ...env.stacks[0], text },
          { ...env.stacks[1], text: "" },
        ],
      },
    ];
    let cutNearTheSecret = 0;
    for (let maxChars = 8000; maxChars <= 24000; maxChars += 50) {
      const body = renderComment(input, { secrets: [secret], maxChars });
      expect(body.length).toBeLessThanOrEqual(maxChars);
      for (const l of secretLines)
        for (let i = 0; i + 8 <= l.length; i++) expect(body).not.toContain(l.slice(i, i + 8));
      if (body.includes("before 199") && !body.includes("after 0")) cutNearTheSecret++;
    }
    // some of those limits did cut right where the secret is
    expect(cutNearTheSecret).toBeGreaterThan(0);
  });

  it("fits GitHub's limit with a huge plan and keeps every summary", () => {
    const env = base();
    const text = Array.from({ length: 20000 }, (_, i) => `  ~ line ${i}`).join("\n");
    const body = renderComment([
      { ...env, stacks: [{ ...env.stacks[0], text }, env.stacks[1]] },
      { ...fixture("app-stopped")[0], environment: "stage" },
    ]);
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 3000);
    expect(body).toMatch(/\(cut here: \d+ of 20000 lines shown/);
    expect(parseComment(body).map((r) => `${r.kind} ${r.environment}`)).toEqual([
      "verdict dev",
      "verdict stage",
      "summary dev",
      "summary stage",
      "plan dev",
      "plan stage",
    ]);
    expect(body.match(/<pre>/g)?.length).toBe(body.match(/<\/pre>/g)?.length);
  });
});

describe("plan:summary CLI", () => {
  it("renders a saved-plans folder", () => {
    const result = runCli(["--plans", join(FIXTURES, "review-example"), "--commit", "0123abcd"], {});
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toContain("commit <code>0123abcd</code>");
  });

  it("merges into an existing comment", () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), "plan-summary-"));
    try {
      const prod = renderComment([{ ...fixture("no-change")[0], environment: "prod", kind: "production" }]);
      fs.writeFileSync(join(dir, "existing.md"), prod);
      const result = runCli(
        ["--plans", join(FIXTURES, "app-stopped"), `--merge-into=${join(dir, "existing.md")}`],
        {},
      );
      expect(result.status).toBe(0);
      expect(parseComment(result.stdout).map((r) => `${r.kind} ${r.environment}`)).toEqual([
        "verdict prod",
        "verdict dev",
        "summary prod",
        "summary dev",
        "plan prod",
        "plan dev",
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("redacts the secret settings of its environment", () => {
    const result = runCli(["--plans", join(FIXTURES, "db-image-changed")], {
      DATABASE_PASSWORD__DEV: "plan15fx-dev-pgdata",
    });
    expect(result.stdout).not.toContain("plan15fx-dev-pgdata");
    expect(result.stdout).toContain(`volume <code>${REDACTED}</code>`);
    expect(runCli(["--plans", join(FIXTURES, "db-image-changed")], {}).stdout).toContain(
      "plan15fx-dev-pgdata",
    );
  });

  it.each([
    [["--plan", "x"], 'unknown option "--plan"; known options: --plans'],
    [[], "--plans DIR is required"],
    [["--plans"], "--plans needs a value"],
    [
      ["--plans", "x", "--mode", "yolo"],
      '--mode must be one of pull-request, local, drift-watch, re-plan, got "yolo"',
    ],
    [["--plans", "x", "--commit", "main"], '--commit "main" is not a commit SHA'],
    [["--plans", "x", "--run-url", "http://x"], '--run-url "http://x" is not an https:// URL'],
    [["--plans", "x", "--max-chars", "12"], "--max-chars must be a whole number from 1000 to 65536"],
  ])("rejects %j naming the problem and the fix", (argv, message) => {
    const result = runCli(argv, {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("reports every argument error at once", () => {
    const parsed = parseArgs(["--bogus", "--commit", "xyz"]);
    expect(parsed.ok ? [] : parsed.errors).toHaveLength(3);
  });

  it("says plainly when the folder is not a saved-plans folder", () => {
    const result = runCli(["--plans", os.tmpdir() + "/no-such-plans"], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^plan-summary: cannot read .*environments\.json: no such file; is .* a folder written by plan:pr\?/,
    );
  });
});
