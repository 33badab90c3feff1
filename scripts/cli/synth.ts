/**
 * Synthesizes environments by running the app (main.ts) with SYNTH_ONLY, each into its own output
 * folder `cdktf.out/<environment>`, so deploys of different environments never share files.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { OWN_PREFIXES, SETTINGS } from "../../config/settings";
import { DEFAULT_IGNORE, contextEntries, entriesHash, stackOwnIgnore } from "../../constructs/build-context";
import { run } from "../lib/process";

export const OUTDIR = "cdktf.out";
/** The digest of the inputs of the last synth that `synthIfChanged` made. */
const MARKER = ".synth-inputs";

export function environmentOutdir(root: string, environment: string): string {
  return path.join(root, OUTDIR, environment);
}

export function stackDir(root: string, environment: string, stack: string): string {
  return path.join(environmentOutdir(root, environment), "stacks", stack);
}

/** An output's value as a synthesized stack writes it (a literal string), if it has one. */
export function synthesizedOutput(dir: string, name: string): string | undefined {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const value = config.output?.[name]?.value;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a synthesized stack's containers are named after (`<project>-<env>`), if it says. */
export function namePrefixIn(dir: string): string | undefined {
  return synthesizedOutput(dir, "name_prefix");
}

export interface SynthResult {
  readonly ok: boolean;
  /** What the app printed: configuration warnings and errors, notes. */
  readonly output: string;
  readonly seconds: number;
}

export async function synth(root: string, environment: string, env: NodeJS.ProcessEnv): Promise<SynthResult> {
  fs.mkdirSync(environmentOutdir(root, environment), { recursive: true });
  // whatever this synth writes, the last skip-check's digest no longer describes it
  fs.rmSync(path.join(environmentOutdir(root, environment), MARKER), { force: true });
  const result = await run(process.execPath, ["--require", "sucrase/register/ts", "main.ts"], {
    cwd: root,
    env: {
      ...env,
      CHECKPOINT_DISABLE: "1",
      SYNTH_ONLY: environment,
      CDKTF_OUTDIR: environmentOutdir(root, environment),
    },
  });
  return { ok: result.code === 0, output: result.output, seconds: result.seconds };
}

/** Files and folders whose content decides what synth writes (besides the settings and secrets). */
const SOURCES = ["main.ts", "cdktf.json", "package-lock.json", "config", "stacks", "constructs"];

function hashTree(hash: ReturnType<typeof createHash>, root: string, rel: string): void {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return;
  const stat = fs.statSync(abs);
  if (stat.isDirectory()) {
    for (const entry of fs.readdirSync(abs).sort()) hashTree(hash, root, path.join(rel, entry));
  } else if (stat.isFile()) {
    hash.update(`${rel}\0`).update(fs.readFileSync(abs)).update("\0");
  }
}

/**
 * A digest of everything an environment's synth reads: the app's sources, the `.env` files, the
 * settings in the process environment, the secret files and the Django build context. When it is
 * the one of the last synth, the synthesized stacks are still current and synth can be skipped.
 */
export function synthInputsDigest(
  root: string,
  env: NodeJS.ProcessEnv,
  secretsDir: string,
  contexts: readonly string[],
): string {
  const hash = createHash("sha256");
  for (const rel of SOURCES) hashTree(hash, root, rel);
  for (const entry of fs
    .readdirSync(root)
    .filter((e) => /^\.env/.test(e))
    .sort())
    hashTree(hash, root, entry);
  hashTree(hash, root, secretsDir);
  const names = new Set(SETTINGS.map((s) => s.name));
  const relevant = Object.keys(env)
    .filter(
      (k) =>
        names.has(k.replace(/__[A-Z0-9_]+$/, "")) ||
        OWN_PREFIXES.some((p) => k.startsWith(p)) ||
        k.startsWith("CDKTF_") ||
        k === "CI",
    )
    .sort();
  for (const k of relevant) hash.update(`${k}=${env[k]}\0`);
  for (const context of contexts) {
    // the stack's own files inside the project (its state, cdktf.out, secrets) are never sent:
    // they must not make every synth look new either
    const always = stackOwnIgnore(context, root, [secretsDir]);
    hash.update(fs.existsSync(context) ? projectInputsHash(context, always) : "none");
  }
  return hash.digest("hex");
}

/** Files of a Django project that decide how the stack builds it, whatever its ignore rules say. */
const PROJECT_FILES =
  /^(manage\.py|Dockerfile|\.dockerignore|pyproject\.toml|uv\.lock|poetry\.lock|requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;

/**
 * A digest of what a project's image is built from: the files its ignore rules (its .dockerignore,
 * or the stack's deny-list) let through, and the files that decide the build (manage.py, the
 * dependency files) even where its .dockerignore leaves them out.
 */
export function projectInputsHash(dir: string, always: readonly string[] = []): string {
  const entries = contextEntries(dir, "", DEFAULT_IGNORE, always);
  const listed = new Set(entries.map((e) => e.to));
  const extra = [
    ...fs.readdirSync(dir),
    ...(fs.existsSync(path.join(dir, "requirements"))
      ? fs.readdirSync(path.join(dir, "requirements")).map((f) => `requirements/${f}`)
      : []),
  ]
    .filter((rel) => PROJECT_FILES.test(rel) && !listed.has(rel) && fs.statSync(path.join(dir, rel)).isFile())
    .map((rel) => ({ from: path.join(dir, rel), to: rel }));
  return entriesHash([...entries, ...extra]);
}

/** Synthesizes unless the inputs are the ones of the last successful synth; says which it did. */
export async function synthIfChanged(
  root: string,
  environment: string,
  env: NodeJS.ProcessEnv,
  secretsDir: string,
  contexts: readonly string[],
): Promise<SynthResult & { skipped: boolean }> {
  const marker = path.join(environmentOutdir(root, environment), MARKER);
  const digest = synthInputsDigest(root, env, secretsDir, contexts);
  const current =
    fs.existsSync(marker) &&
    fs.readFileSync(marker, "utf8") === digest &&
    [environment, `${environment}-app`].every((s) =>
      fs.existsSync(path.join(stackDir(root, environment, s), "cdk.tf.json")),
    );
  if (current) return { ok: true, output: "", seconds: 0, skipped: true };
  const result = await synth(root, environment, env);
  // the digest after synth, which may have generated secret files
  if (result.ok) fs.writeFileSync(marker, synthInputsDigest(root, env, secretsDir, contexts));
  return { ...result, skipped: false };
}
