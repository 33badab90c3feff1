/**
 * Reads one setting at a time, honouring precedence and the table's defaults and bounds, and
 * collects every problem instead of stopping at the first.
 *
 * Precedence, first wins: `NAME__<ENV>` in the process environment (one environment's value, as CI
 * passes secrets), `NAME` in the process environment, `.env.<environment>`, `.env`.
 */
import { quoted } from "../constructs/quote";
import { defaultOf, rangeOf, settingNamed } from "./settings";
import { ConfigInput, SecretInput, Source } from "./types";

const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["false", "0", "no", "off"];

/** A check of a typed value: `undefined` when fine, else what is expected (e.g. "must be ..."). */
export type Check = (value: string) => string | undefined;

/**
 * A value as messages show it: quoted (control characters and invisible ones, such as a zero-width
 * or no-break space, escaped: see `quoted`), credentials in a URL hidden
 * (`https://(credentials hidden)@host`), and cut after 80 characters.
 */
export function shownValue(value: string): string {
  const safe = value.replace(/\/\/\S*@/g, "//(credentials hidden)@");
  if (safe.length <= 80) return quoted(safe);
  return `${quoted(safe.slice(0, 60)).slice(0, -1)}..." (${safe.length} characters)`;
}

/** `prod-eu` -> `PROD_EU`: the suffix of per-environment variables such as DATABASE_PASSWORD__PROD_EU. */
export function envSuffix(environment: string): string {
  return environment.toUpperCase().replace(/-/g, "_");
}

export class Reader {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    private readonly input: ConfigInput,
    /** null: global settings. */
    readonly environment: string | null,
  ) {}

  /** The raw value and where it came from, honouring precedence. */
  raw(name: string): { value: string; source: Source } | undefined {
    const spec = settingNamed(name);
    if (spec.scope === "stack" && this.environment !== null) {
      const qualified = `${name}__${envSuffix(this.environment)}`;
      const v = this.input.env[qualified];
      if (v !== undefined && v !== "") return { value: v, source: `environment (${qualified})` };
    }
    const fromEnv = this.input.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, source: "environment" };
    if (spec.scope === "stack" && this.environment !== null) {
      const file = this.input.environmentFiles?.[this.environment];
      const v = file?.vars[name];
      if (file && v !== undefined && v !== "") return { value: v, source: file.name };
    }
    const dotenv = this.input.dotenv;
    const v = dotenv?.vars[name];
    if (dotenv && v !== undefined && v !== "") return { value: v, source: dotenv.name };
    return undefined;
  }

  fail(name: string, got: { value: string; source: Source }, expected: string): void {
    const shown = settingNamed(name).secret ? "(value hidden)" : shownValue(got.value);
    const where = this.environment ? ` for environment "${this.environment}"` : "";
    this.errors.push(`${name} ${expected}, got ${shown} (set in ${got.source}${where})`);
  }

  /** A string; `fallback` when unset (the table's default when not given). */
  string(name: string, check?: Check, fallback?: string): string {
    const def = fallback ?? (settingNamed(name).value === undefined ? "" : defaultOf<string>(name, "string"));
    const got = this.raw(name);
    if (!got) return def;
    const value = got.value.trim();
    const problem = check?.(value);
    if (problem) {
      this.fail(name, got, problem);
      return def;
    }
    return value;
  }

  /** A whole number within the table's range; `fallback` overrides a computed default. */
  int(name: string, fallback?: number): number {
    const def = fallback ?? defaultOf<number>(name, "number");
    const [min, max] = rangeOf(name);
    const got = this.raw(name);
    if (!got) return def;
    const value = got.value.trim();
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(name, got, `must be a whole number from ${min} to ${max}`);
      return def;
    }
    return n;
  }

  bool(name: string): boolean {
    const def = defaultOf<boolean>(name, "boolean");
    const got = this.raw(name);
    if (!got) return def;
    const value = got.value.trim().toLowerCase();
    if (TRUE_WORDS.includes(value)) return true;
    if (FALSE_WORDS.includes(value)) return false;
    this.fail(name, got, "must be one of true/false, 1/0, yes/no, on/off");
    return def;
  }

  /** A comma list, items trimmed, empty items dropped; each item checked. */
  list(name: string, check?: Check): readonly string[] {
    const def = defaultOf<readonly string[]>(name, "list");
    const got = this.raw(name);
    if (!got) return def;
    const items = got.value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    for (const item of items) {
      const problem = check?.(item);
      if (problem) {
        this.fail(name, got, `${problem} (bad item ${quoted(item)})`);
        return def;
      }
    }
    return items;
  }

  /** A secret given as NAME (a value) or NAME_FILE (a path), or neither (generated). */
  secret(valueName: string): SecretInput {
    const fileName = `${valueName}_FILE`;
    const value = this.raw(valueName);
    const file = this.raw(fileName);
    if (value && file) {
      this.errors.push(
        `${valueName} (value hidden) and ${fileName}=${shownValue(file.value.trim())} are both set (in ${value.source} and ${file.source}); keep one of them`,
      );
      return { kind: "generate" };
    }
    if (file) return { kind: "file", path: file.value.trim(), source: file.source };
    if (value) {
      if (/[\r\n]/.test(value.value)) {
        this.fail(valueName, value, "must be a single line");
        return { kind: "generate" };
      }
      // spaces around a password may be meant; a password of spaces only never is
      if (value.value.trim() === "") {
        const where = this.environment ? ` for environment "${this.environment}"` : "";
        this.errors.push(
          `${valueName} is only whitespace, got (value hidden) (set in ${value.source}${where}); give the real value, or remove it to have one generated`,
        );
        return { kind: "generate" };
      }
      return { kind: "value", value: value.value, source: value.source };
    }
    return { kind: "generate" };
  }
}
