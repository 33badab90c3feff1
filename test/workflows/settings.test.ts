/**
 * The workflows' variable lists, checked against the settings table (config/settings.ts): every
 * repository variable a workflow passes is a setting of the same name (or one of the workflows'
 * own routing variables, documented in the workflow's header), every workflow that synthesizes
 * passes every global setting CI can use, and every secret it names is a secret setting or a
 * tool's credential.
 */
import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../../config/settings";

const DIR = path.resolve(__dirname, "..", "..", ".github", "workflows");
const workflows = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(DIR, f), "utf8") }));
/** Global settings CI never needs: secrets come from NAME__<ENV>, and backups run on the host. */
const NOT_IN_CI = ["SECRETS_DIR", "BACKUP_DIR", "BACKUPS_KEPT", "BACKUP_COPY_TO", "SECRETS_HASH_KEY"];
/** Credentials read by Terraform's backends and the Docker client, not by our configuration. */
const TOOL_SECRETS = [
  "DOCKER_HOST",
  "DOCKER_SSH_KEY",
  "DOCKER_SSH_KNOWN_HOSTS",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "PG_CONN_STR",
  "TF_HTTP_USERNAME",
  "TF_HTTP_PASSWORD",
  "GITHUB_TOKEN",
];
/** Repository variables of the workflows themselves: which environments each route plans. */
const WORKFLOW_VARIABLES = [
  "PR_PLAN_ENVIRONMENTS",
  "PRODUCTION_ENVIRONMENTS",
  "DRIFT_PRODUCTION_ENVIRONMENT",
];

const names = (text: string, kind: "vars" | "secrets") => [
  ...new Set([...text.matchAll(new RegExp(`\\b${kind}\\.([A-Za-z0-9_]+)`, "g"))].map((m) => m[1])),
];
/** The comment block at the top of a workflow. */
const header = (text: string) => text.slice(0, text.search(/^name:/m));

describe("workflows and the settings table", () => {
  it.each(workflows.map((w) => [w.file, w.text]))(
    "%s passes only repository variables that are settings, under the same name, or documented routing variables",
    (_file, text) => {
      for (const name of names(text, "vars")) {
        if (WORKFLOW_VARIABLES.includes(name)) {
          expect({ name, documented: header(text).includes(name) }).toEqual({ name, documented: true });
          continue;
        }
        expect(SETTINGS.map((s) => s.name)).toContain(name);
        expect(text).toMatch(new RegExp(`\\b${name}: \\$\\{\\{ vars\\.${name} \\}\\}`));
      }
    },
  );

  const synthesizing = workflows.filter((w) => /\bnpm run (synth|deploy|plan:pr)\b/.test(w.text));
  it("finds the workflows that synthesize", () => {
    expect(synthesizing.map((w) => w.file).sort()).toEqual(
      ["deploy.yml", "drift-watch.yml", "pr-plan-production.yml", "pr-plan.yml"].sort(),
    );
  });

  it.each(synthesizing.map((w) => [w.file, w.text]))(
    "%s synthesizes with every global setting CI can use",
    (_file, text) => {
      const passed = names(text, "vars");
      for (const s of SETTINGS.filter((spec) => spec.scope === "global" && !NOT_IN_CI.includes(spec.name))) {
        expect(passed).toContain(s.name);
      }
      // a runner must never make a fresh hash key: every synthesizing workflow passes it
      expect(names(text, "secrets")).toContain("SECRETS_HASH_KEY");
    },
  );

  it.each(workflows.map((w) => [w.file, w.text]))(
    "%s passes as secrets only secret settings and tool credentials",
    (_file, text) => {
      for (const name of names(text, "secrets")) {
        if (TOOL_SECRETS.includes(name)) continue;
        const base = name.replace(/__[A-Z0-9_]+$/, "");
        const spec = SETTINGS.find((s) => s.name === base);
        expect({ name, secret: spec?.secret === true }).toEqual({ name, secret: true });
      }
    },
  );
});
