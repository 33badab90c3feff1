/**
 * The secret files on the machine that runs cdktf: `<SECRETS_DIR>/<environment>/<name>`, mode 0600.
 *
 * Terraform reads them at apply time (`upload.source` of the secrets container), so the values
 * never enter `cdk.tf.json`, `cdktf.out/` or the Terraform state, which hold only the path and a
 * revision. A value given by the user is written there; a missing one is generated once and then
 * kept, so it is stable across deploys.
 */
import { randomBytes, scryptSync } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { secretKeyProblem } from "./build-config";
import { AppConfig, SecretInput, StackConfig } from "./types";

export interface StoredSecret {
  /** File name inside the environment's secrets directory, and inside the containers. */
  readonly name: string;
  /** Path relative to the project root, posix separators. */
  readonly path: string;
  /**
   * Changes exactly when the value changes: a salted scrypt digest, so it reveals nothing usable
   * about the value yet lets Terraform replace the containers that must pick up a new value.
   */
  readonly revision: string;
}

export interface StackSecrets {
  readonly djangoSecretKey: StoredSecret;
  readonly databasePassword: StoredSecret;
  /** With TLS_MODE=files: copies of the certificate chain and the key. */
  readonly tlsCertificate?: StoredSecret;
  readonly tlsKey?: StoredSecret;
}

export type MaterializeResult =
  | {
      readonly ok: true;
      readonly secrets: Readonly<Record<string, StackSecrets>>;
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[] };

interface Wanted {
  readonly stack: StackConfig;
  readonly key: keyof StackSecrets;
  readonly variable: string;
  readonly fileName: string;
  readonly input: SecretInput;
  /** Makes a value when none is given; absent: a value must be given. */
  readonly generate?: () => string;
  readonly check?: (value: string) => string | undefined;
  /** The value may span lines (a PEM file); its text is kept as it is. */
  readonly multiline?: boolean;
}

export function secretRevision(name: string, value: string): string {
  // scrypt, not a bare hash: a short user-chosen password must not be guessable from the revision
  return scryptSync(value, `django-cdktf/${name}`, 16, { N: 16384, r: 8, p: 1 }).toString("hex");
}

function readFileSecret(rootDir: string, w: Wanted, file: string, source: string): string | string[] {
  const variable = w.variable.endsWith("_FILE") ? w.variable : `${w.variable}_FILE`;
  const where = `${variable}=${JSON.stringify(file)} (set in ${source} for environment "${w.stack.environment}")`;
  const abs = path.resolve(rootDir, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return [`${where} cannot be read (${code ?? "error"}); point it at a readable file holding the value`];
  }
  if (w.multiline) {
    return /-----BEGIN [A-Z ]+-----/.test(text)
      ? text
      : [`${where} holds no PEM block (-----BEGIN ...-----); give a PEM file`];
  }
  const value = text.replace(/\r?\n$/, "");
  if (value === "") return [`${where} names an empty file; put the value in it`];
  if (/[\r\n]/.test(value)) return [`${where} holds more than one line; keep only the value`];
  return value;
}

/** Reads, generates and writes the secret files of every stack; writes nothing if anything is wrong. */
export function materializeSecrets(config: AppConfig, rootDir: string): MaterializeResult {
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
      check: stack.app.debug ? undefined : secretKeyProblem,
    },
    {
      stack,
      key: "databasePassword" as const,
      variable: "DATABASE_PASSWORD",
      fileName: "database_password",
      input: stack.secrets.databasePassword,
      generate: () => randomBytes(24).toString("base64url"),
    },
  ]);

  const errors: string[] = [];
  const notes: string[] = [];
  const writes: { abs: string; value: string; previous?: string }[] = [];
  const result: Record<string, Partial<Record<keyof StackSecrets, StoredSecret>>> = {};

  for (const w of wanted) {
    const rel = path.posix.join(config.secretsDir.split(path.sep).join("/"), w.stack.environment, w.fileName);
    const abs = path.resolve(rootDir, rel);
    let stored: string | undefined;
    if (fs.existsSync(abs)) {
      stored = fs.readFileSync(abs, "utf8");
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
          `${w.variable}_FILE (${w.input.path}) for environment "${w.stack.environment}": the value ${problem}; put a random value of 50+ characters in it`,
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
    (result[w.stack.environment] ??= {})[w.key] = {
      name: w.fileName,
      path: rel,
      revision: secretRevision(w.fileName, value),
    };
  }
  if (errors.length > 0) return { ok: false, errors };

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
  return { ok: true, secrets: result as Record<string, StackSecrets>, notes };
}

function writeAtomically(abs: string, value: string): void {
  const tmp = `${abs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, value, { mode: 0o600 });
  fs.renameSync(tmp, abs);
}
