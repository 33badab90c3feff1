/**
 * A content hash of exactly what `docker build` sends: the files of the build context that
 * `.dockerignore` lets through (Docker's own matching rules, via @balena/dockerignore), plus the
 * Dockerfile and `.dockerignore` themselves, which the daemon always receives.
 *
 * Editing an ignored file (a local `.env`, a test, `__pycache__`) leaves the hash alone, so no
 * rebuild; any change the image could see (content, a rename, the executable bit) changes it.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import dockerignore from "@balena/dockerignore";

const ALWAYS_SENT = ["Dockerfile", ".dockerignore"];

function readPatterns(contextDir: string): string[] {
  const file = path.join(contextDir, ".dockerignore");
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/**
 * Whether a directory Docker excludes may still hold a re-included file. When a negated pattern
 * has wildcards we cannot tell cheaply, so we walk it; the hash stays exact either way.
 */
function mayHoldExceptions(dir: string, negations: readonly string[]): boolean {
  return negations.some((p) => /[*?[\\]/.test(p) || p.startsWith(`${dir}/`));
}

/** Whether `docker build` would send a file at `rel` (posix, relative to the context), by its `.dockerignore`. */
export function wouldSend(contextDir: string, rel: string): boolean {
  if (ALWAYS_SENT.includes(rel)) return true;
  return !dockerignore({ ignorecase: false }).add(readPatterns(contextDir)).ignores(rel);
}

/** Files (posix paths relative to the context) that `docker build` would send, sorted. */
export function buildContextFiles(contextDir: string): string[] {
  const patterns = readPatterns(contextDir);
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

/** Hex SHA-256 over the names, executable bits and contents of the files the build receives. */
export function buildContextHash(contextDir: string): string {
  if (!fs.existsSync(path.join(contextDir, "Dockerfile"))) {
    throw new Error(`no Dockerfile in the build context ${contextDir}`);
  }
  const hash = createHash("sha256");
  for (const rel of buildContextFiles(contextDir)) {
    const abs = path.join(contextDir, rel);
    const stat = fs.lstatSync(abs);
    const [kind, body] = stat.isSymbolicLink()
      ? ["link", Buffer.from(fs.readlinkSync(abs))]
      : [stat.mode & 0o111 ? "exec" : "file", fs.readFileSync(abs)];
    // one line per file: unambiguous whatever the names and contents hold
    const digest = createHash("sha256").update(body).digest("hex");
    hash.update(`${JSON.stringify(rel)} ${kind} ${digest}\n`);
  }
  return hash.digest("hex");
}
