/**
 * The README stays true: its commands name scripts that exist and parse as the CLI reads them, the
 * files and links it points at exist, and the settings in its examples are real settings.
 */
import * as fs from "fs";
import * as path from "path";
import { SETTINGS } from "../config/settings";
import { COMMANDS, parseArgs } from "../scripts/cli/args";

const ROOT = path.resolve(__dirname, "..");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const scripts = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<
  string,
  string
>;

/** The lines of the README's shell code blocks, without comments and prompts. */
function shellLines(): string[] {
  return [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split("\n"))
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Every `npm run ...` the README shows as a command to type: in code blocks and inline code. */
function npmCommands(): string[] {
  const inline = [...readme.matchAll(/`(npm run [^`]+)`/g)].map((m) => m[1]);
  return [...inline, ...shellLines()]
    .flatMap((l) => l.split(/\s*&&\s*/))
    .map((c) => c.trim())
    .filter((c) => c.startsWith("npm run "))
    .filter((c) => !/[[\]|]|\.\.\./.test(c)); // usage grammar, not a command: checked in args.test.ts
}

/** The placeholders the README uses, as the values a reader would type. */
function typed(command: string): string[] {
  return command
    .replace(/<env>|<environment>/g, "dev")
    .replace(/<file>/g, "backups/dev/dev.dump")
    .replace(/<dir>/g, "/mnt/backups")
    .replace(/<arguments>/g, "check")
    .split(/\s+/);
}

describe("README", () => {
  it("starts with the deploy and the test command", () => {
    const commands = [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]);
    expect(commands.slice(0, 2)).toEqual(["npm ci && npm run deploy -- dev", "bash scripts/test.sh"]);
  });

  const commands = npmCommands();
  it("shows commands at all (the checks below see them)", () => {
    expect(commands.length).toBeGreaterThan(15);
  });

  it.each(commands)("%s: the script exists, and the CLI accepts its arguments", (command) => {
    const [, , script, ...rest] = typed(command);
    expect(Object.keys(scripts)).toContain(script);
    // a bare `npm run <script>` names the script; with arguments, it is a command to type
    if (!(script in COMMANDS) || rest.length === 0) return;
    const argv = rest[0] === "--" ? rest.slice(1) : rest;
    const parsed = parseArgs([script, ...argv], ["dev", "prod"]);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });

  it("runs scripts that exist", () => {
    const run = [...readme.matchAll(/\bbash ((?:scripts|bench)\/[\w./-]+)/g)].map((m) => m[1]);
    expect(run.length).toBeGreaterThan(1);
    for (const file of run)
      expect(fs.existsSync(path.join(ROOT, file)) ? file : `missing: ${file}`).toBe(file);
  });

  it("points at files that exist", () => {
    const files = [
      ...readme.matchAll(
        /`((?:config|constructs|stacks|scripts|test|bench|django-app|\.github)\/[\w./-]+)`/g,
      ),
    ]
      .map((m) => m[1])
      .filter((f) => !f.includes("<"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      expect(fs.existsSync(path.join(ROOT, file)) ? file : `missing: ${file}`).toBe(file);
    }
  });

  it("links only to headings it has", () => {
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\w\s-]/g, "")
        .trim()
        .replace(/\s/g, "-");
    const anchors = new Set(
      [...readme.replace(/```[\s\S]*?```/g, "").matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])),
    );
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) expect(anchors.has(link) ? link : `no heading for #${link}`).toBe(link);
  });

  it("sets only real settings in its examples", () => {
    const known = new Set(SETTINGS.map((s) => s.name));
    const assigned = shellLines()
      .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map((n) => n.replace(/__[A-Z0-9_]+$/, ""));
    for (const name of assigned) {
      expect(
        known.has(name) || ["TERRAFORM_BINARY_NAME", "DOCKER_HOST"].includes(name)
          ? name
          : `unknown: ${name}`,
      ).toBe(name);
    }
  });
});
