/**
 * What `docker build` receives, and a content hash of exactly that: the files of the build context
 * that the ignore rules let through (Docker's own matching rules, via @balena/dockerignore), plus the
 * Dockerfile and `.dockerignore` themselves, which the daemon always receives.
 *
 * The ignore rules are the context's own `.dockerignore` when it has one; otherwise, where a caller
 * gives them, a deny-list (`DEFAULT_IGNORE`: version control, virtualenvs, node_modules, `.env*`,
 * caches, the stack's secrets and state) so that a project without a `.dockerignore` never sends them.
 * Rules a caller gives as `always` (the stack's own files inside the project: `stackOwnIgnore`) come
 * after either and win over them: a project's `.dockerignore` cannot let those through.
 *
 * Editing an ignored file (a local `.env`, a test, `__pycache__`) leaves the hash alone, so no
 * rebuild; any change the image could see (content, a rename, the executable bit) changes it.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import dockerignore from "@balena/dockerignore";

const ALWAYS_SENT = ["Dockerfile", ".dockerignore"];

/**
 * The stack's deny-list for a project without a `.dockerignore`: what must never reach an image or
 * the daemon (secrets, local databases, the stack's own state) and what only slows the build.
 */
export const DEFAULT_IGNORE: readonly string[] = [
  // version control
  ".git",
  ".hg",
  ".svn",
  "**/.gitignore",
  // virtualenvs and JavaScript dependencies
  ".venv",
  "venv",
  "**/.venv",
  "**/node_modules",
  // local settings and secrets
  "**/.env",
  "**/.env.*",
  ".secrets",
  // caches and build output
  "**/__pycache__",
  "**/*.py[cod]",
  "**/.pytest_cache",
  "**/.mypy_cache",
  "**/.ruff_cache",
  ".tox",
  ".nox",
  ".coverage",
  "htmlcov",
  "**/*.egg-info",
  "staticfiles",
  // local databases and the stack's own files, should the project share the stack's directory
  "**/*.sqlite3",
  "cdktf.out",
  "**/*.tfstate",
  "**/*.tfstate.*",
  ".terraform",
  "**/.DS_Store",
];

/** A file to place in a context that the stack assembles: from an absolute path to a posix path inside. */
export interface ContextEntry {
  readonly from: string;
  readonly to: string;
}

/**
 * The context's ignore patterns: its `.dockerignore`, or `defaults` when it has none; then `always`,
 * which (Docker's last matching pattern deciding) no pattern of the `.dockerignore` can undo.
 */
export function ignorePatterns(
  contextDir: string,
  defaults: readonly string[] = [],
  always: readonly string[] = [],
): string[] {
  const file = path.join(contextDir, ".dockerignore");
  const own = fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== "" && !l.startsWith("#"))
    : [...defaults];
  return [...own, ...always];
}

/** A path as a `.dockerignore` pattern that matches it and nothing else (its wildcards escaped). */
export function literalPattern(rel: string): string {
  return rel.replace(/[\\*?[\]]/g, "\\$&");
}

/** What the stack keeps at its root, as patterns relative to it (see `stackOwnIgnore`). */
const STACK_ROOT_FILES: readonly string[] = [
  "cdktf.out",
  "*.tfstate",
  "*.tfstate.*",
  ".terraform",
  ".env",
  ".env.*",
];

/**
 * The stack's own files inside a build context, as ignore patterns relative to it: the given
 * directories of the stack (its secrets and backups) and, when the stack's root (the folder of its
 * package.json and cdktf.json) is the context or inside it, what the stack keeps there: `cdktf.out`,
 * Terraform's state (`*.tfstate`, `*.tfstate.*`, `.terraform`) and its settings files (`.env`,
 * `.env.*`). Anchored where those really are, so that a project's own files of the same names
 * elsewhere (`mysite/.env.example`, `docs/cdktf.out`) are left alone. Empty when none of them is
 * inside the context.
 */
export function stackOwnIgnore(
  contextDir: string,
  stackRoot: string,
  stackDirs: readonly string[] = [],
): string[] {
  const inside = (abs: string): string | undefined => {
    const rel = path.relative(path.resolve(contextDir), abs);
    return rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)
      ? undefined
      : rel.split(path.sep).join("/");
  };
  const patterns: string[] = [];
  const add = (p: string) => {
    if (!patterns.includes(p)) patterns.push(p);
  };
  for (const dir of stackDirs) {
    const rel = inside(path.resolve(stackRoot, dir));
    // the context itself is no file of the stack's (SECRETS_DIR there is refused on its own)
    if (rel) add(literalPattern(rel));
  }
  const root = inside(path.resolve(stackRoot));
  if (root !== undefined) {
    const at = root === "" ? "" : `${literalPattern(root)}/`;
    for (const p of STACK_ROOT_FILES) add(`${at}${p}`);
  }
  return patterns;
}

/** Whether the directory has a `.dockerignore` of its own. */
export function hasIgnoreFile(contextDir: string): boolean {
  return fs.existsSync(path.join(contextDir, ".dockerignore"));
}

/**
 * Whether a directory Docker excludes may still hold a re-included file. When a negated pattern
 * has wildcards we cannot tell cheaply, so we walk it; the hash stays exact either way.
 */
function mayHoldExceptions(dir: string, negations: readonly string[]): boolean {
  return negations.some((p) => /[*?[\\]/.test(p) || p.startsWith(`${dir}/`));
}

/** Whether `docker build` would send a file at `rel` (posix, relative to the context), by its ignore rules. */
export function wouldSend(
  contextDir: string,
  rel: string,
  defaults: readonly string[] = [],
  always: readonly string[] = [],
): boolean {
  if (ALWAYS_SENT.includes(rel)) return true;
  return !dockerignore({ ignorecase: false })
    .add(ignorePatterns(contextDir, defaults, always))
    .ignores(rel);
}

/** Files (posix paths relative to the context) that `docker build` would send, sorted. */
export function buildContextFiles(
  contextDir: string,
  defaults: readonly string[] = [],
  always: readonly string[] = [],
): string[] {
  const patterns = ignorePatterns(contextDir, defaults, always);
  const ig = dockerignore({ ignorecase: false }).add(patterns);
  const negations = patterns
    .filter((p) => p.startsWith("!"))
    .map((p) => p.slice(1).replace(/^\/+/, "").replace(/\/+$/, ""));
  const files: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(contextDir, rel);
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      const ignored = ig.ignores(childRel) && !ALWAYS_SENT.includes(childRel);
      if (entry.isDirectory()) {
        if (!ignored || mayHoldExceptions(childRel, negations)) walk(childRel);
      } else if (!ignored) {
        files.push(childRel);
      }
    }
  };
  walk("");
  return files.sort();
}

/** The files of a directory that its ignore rules (or `defaults`, and `always`) let through, placed under `into`. */
export function contextEntries(
  dir: string,
  into = "",
  defaults: readonly string[] = [],
  always: readonly string[] = [],
): ContextEntry[] {
  return buildContextFiles(dir, defaults, always).map((rel) => ({
    from: path.join(dir, rel),
    to: into ? `${into.replace(/\/+$/, "")}/${rel}` : rel,
  }));
}

/** Hex SHA-256 over the names, executable bits and contents of files, one line each, sorted by name. */
export function entriesHash(entries: readonly ContextEntry[]): string {
  const hash = createHash("sha256");
  for (const { from, to } of [...entries].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0))) {
    const stat = fs.lstatSync(from);
    const [kind, body] = stat.isSymbolicLink()
      ? ["link", Buffer.from(fs.readlinkSync(from))]
      : [stat.mode & 0o111 ? "exec" : "file", fs.readFileSync(from)];
    // one line per file: unambiguous whatever the names and contents hold
    const digest = createHash("sha256").update(body).digest("hex");
    hash.update(`${JSON.stringify(to)} ${kind} ${digest}\n`);
  }
  return hash.digest("hex");
}

/** Hex SHA-256 over the names, executable bits and contents of the files the build receives. */
export function buildContextHash(
  contextDir: string,
  defaults: readonly string[] = [],
  always: readonly string[] = [],
): string {
  if (!fs.existsSync(path.join(contextDir, "Dockerfile"))) {
    throw new Error(`no Dockerfile in the build context ${contextDir}`);
  }
  return entriesHash(contextEntries(contextDir, "", defaults, always));
}
