/**
 * The secret files on the machine that runs cdktf: `<SECRETS_DIR>/<environment>/<name>`, the
 * directories 0700 and the files 0600 (anything more open is refused, as ssh does).
 *
 * Terraform reads them at apply time (`upload.source` of the secrets container), so the values
 * never enter `cdk.tf.json`, `cdktf.out/` or the Terraform state, which hold only the path and a
 * revision. A value given by the user is written there; a missing one is generated once and then
 * kept, so it is stable across deploys.
 *
 * The revision is an HMAC of the value under a per-install random key (`<SECRETS_DIR>/.hash-key`,
 * never in the state), so the state alone cannot confirm a guessed password, and the same password
 * gives different revisions in two installs. In CI the key comes from SECRETS_HASH_KEY (without it,
 * one is made with a warning).
 */
import { createHmac, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { wouldSend } from "../constructs/build-context";
import { secretKeyProblem } from "./build-config";
import { FileProblem, readSmallFile } from "./files";
import { AppConfig, SecretInput, StackConfig } from "./types";
import { quoted } from "../constructs/quote";

export interface StoredSecret {
  /** File name inside the environment's secrets directory, and inside the containers. */
  readonly name: string;
  /** Path relative to the project root, posix separators. */
  readonly path: string;
  /**
   * Changes exactly when the value changes: an HMAC under this install's key, so it reveals nothing
   * usable about the value yet lets Terraform replace the containers that must pick up a new value.
   */
  readonly revision: string;
}

export interface StackSecrets {
  readonly djangoSecretKey: StoredSecret;
  readonly databasePassword: StoredSecret;
  /**
   * The password of the app's data-access role, derived from the owner's password under this
   * install's key: stable without being stored anywhere else, and never equal to it.
   */
  readonly databaseAppPassword: StoredSecret;
  /** With TLS_MODE=files: copies of the certificate chain and the key. */
  readonly tlsCertificate?: StoredSecret;
  readonly tlsKey?: StoredSecret;
}

/** An environment's secrets with the project's own secret variables (APP_SECRET_<NAME>), by NAME. */
export type EnvironmentSecrets = StackSecrets & {
  readonly appVariables?: Readonly<Record<string, StoredSecret>>;
};

export type MaterializeResult =
  | {
      readonly ok: true;
      readonly secrets: Readonly<Record<string, EnvironmentSecrets>>;
      readonly notes: readonly string[];
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[] };

interface Wanted {
  readonly stack: StackConfig;
  readonly key: keyof EnvironmentSecrets;
  readonly variable: string;
  readonly fileName: string;
  readonly input: SecretInput;
  /** Makes a value when none is given; absent: a value must be given. */
  readonly generate?: () => string;
  readonly check?: (value: string) => string | undefined;
  /** The value may span lines (a PEM file); its text is kept as it is. */
  readonly multiline?: boolean;
  /** One of the project's own secret variables: its NAME (stored under `appVariables`). */
  readonly appVariable?: string;
}

export function secretRevision(key: Buffer, name: string, value: string): string {
  return createHmac("sha256", key).update(`${name}\0${value}`).digest("hex").slice(0, 32);
}

const HASH_KEY_FILE = ".hash-key";
/** Whether this process runs in CI, where nothing made here outlives the job. */
function inCi(env: Readonly<Record<string, string | undefined>>): boolean {
  return ["true", "1"].includes((env.CI ?? "").toLowerCase()) || env.GITHUB_ACTIONS === "true";
}

/**
 * Refuses a secrets directory or file that others can read, with the chmod that fixes it; refuses
 * one that a build context would send into an image.
 */
export function secretsDirProblems(
  rootDir: string,
  secretsDir: string,
  buildContexts: readonly string[],
  /** The ignore rules of a context without a `.dockerignore` (the stack's deny-list). @default none */
  defaultIgnore: readonly string[] = [],
  /**
   * The rules the stack applies to a context whatever its `.dockerignore` says (the stack's own
   * files inside it, `stackOwnIgnore`), by context. @default none
   */
  alwaysIgnore: (context: string) => readonly string[] = () => [],
): string[] {
  const problems: string[] = [];
  const abs = path.resolve(rootDir, secretsDir);
  for (const context of buildContexts) {
    const rel = path.relative(context, abs).split(path.sep).join("/");
    if (rel.startsWith("..") || path.isAbsolute(rel) || !fs.existsSync(context)) continue;
    const always = alwaysIgnore(context);
    if (
      wouldSend(context, `${rel}/${HASH_KEY_FILE}`, defaultIgnore, always) ||
      wouldSend(context, `${rel}/prod/database_password`, defaultIgnore, always)
    ) {
      problems.push(
        `SECRETS_DIR=${secretsDir} is inside the build context ${path.relative(rootDir, context) || "."} and not excluded by its .dockerignore, so secrets would be baked into the image; move it out (the default .secrets is) or add ${rel} to ${path.relative(rootDir, context)}/.dockerignore`,
      );
    }
  }
  const rootAbs = path.resolve(rootDir);
  if (
    abs === rootAbs ||
    !path.relative(abs, rootAbs).startsWith("..") ||
    /^\/(proc|sys|dev)(\/|$)/.test(abs)
  ) {
    problems.push(
      `SECRETS_DIR=${secretsDir} is ${abs === rootAbs ? "the project directory itself" : /^\/(proc|sys|dev)(\/|$)/.test(abs) ? "a kernel directory" : "a directory above the project"}; give it a directory of its own, e.g. .secrets (it is made 0700)`,
    );
    return problems;
  }
  const top = fs.statSync(abs, { throwIfNoEntry: false });
  if (!top) return problems;
  if (!top.isDirectory()) {
    problems.push(
      `SECRETS_DIR=${secretsDir} is not a directory; give it a directory of its own, e.g. .secrets (it is made 0700), or move the file away`,
    );
    return problems;
  }
  // <SECRETS_DIR>/<environment>/<file>: nothing deeper is ours
  const walk = (dir: string, depth: number) => {
    const st = fs.statSync(dir);
    if ((st.mode & 0o077) !== 0) {
      problems.push(
        `${path.relative(rootDir, dir) || dir} is readable by other users (mode ${(st.mode & 0o777).toString(8)}); fix it with: chmod 700 ${JSON.stringify(path.relative(process.cwd(), dir))}`,
      );
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < 1) walk(full, depth + 1);
      } else if (entry.isFile()) {
        const fst = fs.statSync(full);
        if ((fst.mode & 0o077) !== 0) {
          problems.push(
            `${path.relative(rootDir, full)} is readable by other users (mode ${(fst.mode & 0o777).toString(8)}); fix it with: chmod 600 ${JSON.stringify(path.relative(process.cwd(), full))}`,
          );
        }
      }
    }
  };
  try {
    walk(abs, 0);
  } catch (e) {
    problems.push(
      `SECRETS_DIR=${secretsDir} cannot be checked (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give it a directory of your own that you can read`,
    );
  }
  return problems;
}

/**
 * This install's key for the revisions: given (SECRETS_HASH_KEY), read, or made once and kept in
 * the secrets directory; made in CI too, with a warning, since a runner may not keep it.
 */
export function hashKey(
  rootDir: string,
  secretsDir: string,
  env: Readonly<Record<string, string | undefined>>,
):
  | { key: Buffer; note?: string; warning?: string; write?: { abs: string; value: string } }
  | { error: string } {
  const given = env.SECRETS_HASH_KEY;
  if (given !== undefined && given !== "") {
    if (/[\r\n]/.test(given)) {
      return {
        error:
          "SECRETS_HASH_KEY must be a single line (it holds a line break), got (value hidden); give the key alone, without a trailing newline (e.g. the output of openssl rand -hex 32)",
      };
    }
    if (given.trim() === "") {
      return {
        error:
          "SECRETS_HASH_KEY is only whitespace, got (value hidden); give a random key (openssl rand -hex 32), or unset it to have one made in SECRETS_DIR",
      };
    }
    if (given.length < 32) {
      return {
        error:
          "SECRETS_HASH_KEY must be at least 32 characters, got (value hidden); use: openssl rand -hex 32",
      };
    }
    return { key: Buffer.from(given, "utf8") };
  }
  const file = path.resolve(rootDir, secretsDir, HASH_KEY_FILE);
  if (fs.existsSync(file)) {
    const fix =
      "restore this install's key into it, or remove it to have a new one made (each secret upload is then replaced once)";
    let stored: string;
    try {
      stored = readSmallFile(file, 4096).trim();
    } catch (e) {
      return { error: `${path.relative(rootDir, file)} cannot be read: ${(e as Error).message}; ${fix}` };
    }
    if (stored.length < 32) {
      return {
        error: `${path.relative(rootDir, file)} holds (value hidden), shorter than the 32 characters of a key; ${fix}`,
      };
    }
    return { key: Buffer.from(stored, "utf8") };
  }
  // written with the secret files, only when everything else is valid
  const key = randomBytes(32).toString("hex");
  const made = `made this install's secret hash key in ${path.relative(rootDir, file)}`;
  return {
    key: Buffer.from(key, "utf8"),
    // a runner whose checkout is not kept makes a new key at each run: every deploy is then a new
    // release (safe, but never a no-op) and every plan shows the app replaced
    ...(inCi(env)
      ? {
          warning: `SECRETS_HASH_KEY is not set in CI: ${made}. Where the runner does not keep it, the next run makes another, and every deploy then starts a new release and every plan shows the app replaced; keep the key as a CI secret (openssl rand -hex 32) and pass it as SECRETS_HASH_KEY`,
        }
      : { note: made }),
    write: { abs: file, value: key },
  };
}

function readFileSecret(rootDir: string, w: Wanted, file: string, source: string): string | string[] {
  const variable = w.variable.endsWith("_FILE") ? w.variable : `${w.variable}_FILE`;
  const where = `${variable}=${quoted(file)} (set in ${source} for environment "${w.stack.environment}")`;
  const abs = path.resolve(rootDir, file);
  let text: string;
  try {
    text = readSmallFile(abs, 64 * 1024);
  } catch (e) {
    const why = e instanceof FileProblem ? e.message : String(e);
    return [`${where} cannot be read: ${why}; point it at a readable file holding the value`];
  }
  if (w.multiline) {
    return /-----BEGIN [A-Z ]+-----/.test(text)
      ? text
      : [`${where} holds no PEM block (-----BEGIN ...-----); give a PEM file`];
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") return [`${where} names an empty file; put the value in it`];
  if (value.trim() === "") return [`${where} holds only whitespace; put the value in it`];
  if (/[\r\n]/.test(value)) return [`${where} holds more than one line; keep only the value`];
  return value;
}

/** Reads, generates and writes the secret files of every stack; writes nothing if anything is wrong. */
export function materializeSecrets(
  config: AppConfig,
  rootDir: string,
  env: Readonly<Record<string, string | undefined>> = {},
  buildContexts: readonly string[] = [config.project.absDir],
): MaterializeResult {
  // the project's image never receives the stack's own files (SECRETS_DIR among them, wherever it is)
  const dirProblems = secretsDirProblems(
    rootDir,
    config.secretsDir,
    buildContexts,
    config.project.defaultIgnore,
    (context) =>
      path.resolve(context) === path.resolve(config.project.absDir) ? config.project.stackIgnore : [],
  );
  if (dirProblems.length > 0) return { ok: false, errors: dirProblems };
  const hashed = hashKey(rootDir, config.secretsDir, env);
  if ("error" in hashed) return { ok: false, errors: [hashed.error] };
  const tlsFiles = (stack: StackConfig): Wanted[] => {
    const tls = stack.proxy.tls;
    if (!stack.proxy.enabled || !stack.proxy.domain || tls.mode !== "files") return [];
    return [
      {
        stack,
        key: "tlsCertificate",
        variable: "TLS_CERT_FILE",
        fileName: "tls_certificate.pem",
        input: tls.certFile,
        multiline: true,
      },
      {
        stack,
        key: "tlsKey",
        variable: "TLS_KEY_FILE",
        fileName: "tls_key.pem",
        input: tls.keyFile,
        multiline: true,
      },
    ];
  };
  const wanted: Wanted[] = config.stacks.flatMap((stack) => [
    ...tlsFiles(stack),
    {
      stack,
      key: "djangoSecretKey" as const,
      variable: "DJANGO_SECRET_KEY",
      fileName: "django_secret_key",
      input: stack.secrets.djangoSecretKey,
      generate: () => randomBytes(48).toString("base64url"),
      check: stack.kind === "production" || !stack.app.debug ? secretKeyProblem : undefined,
    },
    {
      stack,
      key: "databasePassword" as const,
      variable: "DATABASE_PASSWORD",
      fileName: "database_password",
      input: stack.secrets.databasePassword,
      generate: () => randomBytes(24).toString("base64url"),
    },
    // the project's own secrets: given, never generated; a file each, like the stack's
    ...Object.entries(stack.app.variables.secret).map(([name, input]) => ({
      stack,
      key: "appVariables" as const,
      variable: `APP_SECRET_${name}`,
      fileName: `env.${name}`,
      input,
      appVariable: name,
    })),
  ]);

  const errors: string[] = [];
  const notes: string[] = hashed.note ? [hashed.note] : [];
  const writes: { abs: string; value: string; previous?: string }[] = hashed.write ? [hashed.write] : [];
  const result: Record<string, Partial<Record<keyof StackSecrets, StoredSecret>>> = {};
  const appVariables: Record<string, Record<string, StoredSecret>> = {};

  for (const w of wanted) {
    const rel = path.posix.join(config.secretsDir.split(path.sep).join("/"), w.stack.environment, w.fileName);
    const abs = path.resolve(rootDir, rel);
    let stored: string | undefined;
    if (fs.existsSync(abs)) {
      try {
        stored = readSmallFile(abs, 64 * 1024);
      } catch (e) {
        errors.push(`${rel} cannot be read: ${(e as Error).message}; remove it to have it made again`);
        continue;
      }
    }
    let value: string;
    if (w.input.kind === "value") {
      value = w.input.value;
    } else if (w.input.kind === "file") {
      const read = readFileSecret(rootDir, w, w.input.path, w.input.source);
      if (Array.isArray(read)) {
        errors.push(...read);
        continue;
      }
      const problem = w.check?.(read);
      if (problem) {
        errors.push(
          `${w.variable}_FILE=${quoted(w.input.path)} (set in ${w.input.source} for environment "${w.stack.environment}") holds a value (value hidden) that ${problem}; put a random value of 50+ characters in it`,
        );
        continue;
      }
      value = read;
    } else if (!w.generate) {
      // a required file that was not given: build-config has reported it
      continue;
    } else if (stored !== undefined && stored !== "") {
      value = stored;
    } else {
      value = w.generate();
      notes.push(`generated ${w.variable} for environment "${w.stack.environment}" in ${rel}`);
    }
    if (stored !== value) writes.push({ abs, value, previous: stored || undefined });
    const stored_: StoredSecret = {
      name: w.fileName,
      path: rel,
      revision: secretRevision(hashed.key, w.fileName, value),
    };
    if (w.appVariable) (appVariables[w.stack.environment] ??= {})[w.appVariable] = stored_;
    else (result[w.stack.environment] ??= {})[w.key as keyof StackSecrets] = stored_;
  }
  if (errors.length > 0) return { ok: false, errors };

  // the app role's password, one per environment, derived rather than generated
  for (const stack of config.stacks) {
    const owner =
      writes.find((w) => w.abs.endsWith(`${path.sep}${stack.environment}${path.sep}database_password`))
        ?.value ?? readOwner(rootDir, result[stack.environment]?.databasePassword);
    if (owner === undefined) continue;
    const value = createHmac("sha256", hashed.key).update(`app-role\0${owner}`).digest("base64url");
    const rel = path.posix.join(
      config.secretsDir.split(path.sep).join("/"),
      stack.environment,
      "database_app_password",
    );
    const abs = path.resolve(rootDir, rel);
    let stored: string | undefined;
    try {
      stored = fs.existsSync(abs) ? readSmallFile(abs, 64 * 1024) : undefined;
    } catch (e) {
      return {
        ok: false,
        errors: [`${rel} cannot be read: ${(e as Error).message}; remove it to have it made again`],
      };
    }
    if (stored !== value) writes.push({ abs, value });
    (result[stack.environment] ??= {}).databaseAppPassword = {
      name: "database_app_password",
      path: rel,
      revision: secretRevision(hashed.key, "database_app_password", value),
    };
  }

  try {
    for (const { abs, value, previous } of writes) {
      fs.mkdirSync(path.dirname(abs), { recursive: true, mode: 0o700 });
      // a replaced value is kept one generation back, for recovery after a mistaken change
      if (previous !== undefined) {
        writeAtomically(`${abs}.previous`, previous);
        notes.push(
          `updated ${path.relative(rootDir, abs)}; the previous value is kept in ${path.basename(abs)}.previous`,
        );
      }
      writeAtomically(abs, value);
    }
  } catch (e) {
    return {
      ok: false,
      errors: [
        `cannot write the secret files under ${config.secretsDir}: ${(e as Error).message}; check SECRETS_DIR and its permissions`,
      ],
    };
  }
  const secrets = Object.fromEntries(
    Object.entries(result).map(([e, s]) => [e, { ...s, appVariables: appVariables[e] ?? {} }]),
  ) as unknown as Record<string, EnvironmentSecrets>;
  return { ok: true, secrets, notes, warnings: hashed.warning ? [hashed.warning] : [] };
}

function readOwner(rootDir: string, stored: StoredSecret | undefined): string | undefined {
  if (!stored) return undefined;
  const abs = path.resolve(rootDir, stored.path);
  return fs.existsSync(abs) ? readSmallFile(abs, 64 * 1024) : undefined;
}

function writeAtomically(abs: string, value: string): void {
  const tmp = `${abs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value, { mode: 0o600 });
  fs.renameSync(tmp, abs);
}
