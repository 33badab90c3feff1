/**
 * `.env` files as docker compose reads them, so a team's compose `.env` means the same here:
 *
 * - `#` starts a comment at the start of a line, or after a space following an unquoted value
 *   (`VAR=VAL # comment`; `VAR=VAL#x` keeps `VAL#x`);
 * - `'single quotes'` are literal (only `\'` is unescaped); `"double quotes"` take the shell escapes
 *   `\n \r \t \\ \"` and interpolation; unquoted values take interpolation; quoted values may span lines;
 * - interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 *   `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` (nestable), `$$` for a literal `$`; VAR is looked
 *   up in the given environment first, then among the names set earlier in the file; a `$VAR` or
 *   `${VAR}` whose VAR is unset becomes empty, as in compose, with a warning (compose warns too),
 *   and is an error in a secret's value (it would silently shorten a password);
 * - `export VAR=...` is accepted; a bare `VAR` takes the value from the process environment.
 *
 * No message shows any part of a secret's value (`isSecretName`): a bad line of a secret names the
 * file, line and key, says "(value hidden)", and gives the fix; a line that is not KEY=value at all
 * shows only what could be its key.
 *
 * Pure. No library parses compose's dialect (dotenv keeps `\t` and `\"` as written, cuts `a#b`,
 * and its expander interpolates single quotes), hence this one, tested against compose's
 * documented examples.
 */
import { isSecretName } from "./settings";
import { quoted } from "../constructs/quote";

export interface ParsedDotenv {
  readonly vars: Readonly<Record<string, string>>;
  /** `name line N: problem; fix` for each line that cannot be read. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

type Lookup = (name: string) => string | undefined;

/** What interpolation needs besides the value, and where it reports. */
export interface Interpolation {
  readonly lookup: Lookup;
  /** An error in the value (messages show none of it when `hidden`). */
  readonly fail: (message: string) => void;
  /** A `$NAME` or `${NAME}` whose NAME is unset: it becomes "". */
  readonly unset: (name: string) => void;
  /** The value is a secret's: no message may show any part of it. */
  readonly hidden: boolean;
}

/** The fix for a `$` that was meant literally; single quotes keep every `$` of a value as written. */
const LITERAL_DOLLAR = "write $$ for a literal $, or single-quote the value";

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*/;

/** How deep `${A:-${B:-...}}` may nest: far beyond any real file, well within the call stack. */
const MAX_NESTING = 20;

/** Interpolates `${...}` and `$NAME` in a value, reporting problems through `how`. */
export function interpolate(value: string, how: Interpolation, nesting = 0): string {
  const { lookup, fail } = how;
  if (nesting > MAX_NESTING) {
    fail(`\${...} is nested more than ${MAX_NESTING} levels deep; simplify the value`);
    return "";
  }
  let out = "";
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c !== "$") {
      out += c;
      i++;
      continue;
    }
    if (value[i + 1] === "$") {
      out += "$";
      i += 2;
      continue;
    }
    if (value[i + 1] === "{") {
      // find the matching brace, allowing nested ${...}
      let depth = 1;
      let j = i + 2;
      while (j < value.length && depth > 0) {
        if (value[j] === "{") depth++;
        else if (value[j] === "}") depth--;
        j++;
      }
      if (depth !== 0) {
        // docker compose refuses it too ("invalid interpolation format")
        fail(
          how.hidden
            ? `a \${ has no closing } (value hidden); close it, or ${LITERAL_DOLLAR}`
            : `${quoted(value.slice(i, i + 20))} opens \${ without a closing }; close it, or write $$ for a literal $`,
        );
        break;
      }
      out += braced(value.slice(i + 2, j - 1), how, nesting);
      i = j;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
    if (m) {
      const found = lookup(m[0]);
      if (found === undefined) how.unset(m[0]);
      out += found ?? "";
      i += 1 + m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function braced(expr: string, how: Interpolation, nesting: number): string {
  const { fail } = how;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expr);
  if (!m) {
    fail(
      how.hidden
        ? `a \${...} in it is not a variable reference (value hidden); use \${NAME}, \${NAME:-default}, ..., or ${LITERAL_DOLLAR}`
        : `\${${expr}} is not a variable reference (use \${NAME}, \${NAME:-default}, ...)`,
    );
    return "";
  }
  const [, name, op, arg = ""] = m;
  const value = how.lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== "";
  const word = () => interpolate(arg, how, nesting + 1);
  switch (op) {
    case undefined:
      if (!set) how.unset(name);
      return value ?? "";
    case ":-":
      return nonEmpty ? value! : word();
    case "-":
      return set ? value! : word();
    case ":?":
    case "?":
      if (op === ":?" ? nonEmpty : set) return value!;
      // the message is text of the value: a secret's is not shown
      if (how.hidden)
        fail(`${name} is required${arg ? " (its message is hidden with the value)" : ""}; set ${name}`);
      else fail(`${name} is required${arg ? `: ${word()}` : ""}`);
      return "";
    case ":+":
      return nonEmpty ? word() : "";
    default:
      return set ? word() : "";
  }
}

/** Errors listed per file before the rest are summed up. */
const MAX_ERRORS = 10;

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', "'": "'" };

/** What could be a line's key: its text up to the first space, tab or "=" (never the rest of it). */
function keyPart(line: string): string {
  return /^[^ \t=\n]*/.exec(line)![0].slice(0, 40);
}

/** A line that is not KEY=value, described by its key part only (the rest may be a value). */
function notKeyValue(name: string, at: number, line: string, key: string | undefined): string {
  const part = keyPart(line);
  const rest = line.length > part.length ? " (the rest of the line is not shown)" : "";
  if (key !== undefined && isSecretName(key)) {
    // even the key part may run into the value (DATABASE_PASSWORD-s3cret): show the name only
    return `${name} line ${at} is not KEY=value: ${key} is not followed by "=" (value hidden); write ${key}=value, or comment it out with #`;
  }
  let what: string;
  if (part === "") {
    what = `there is no name before "="`;
  } else if (part === key) {
    what = `${quoted(part)} is followed by a ${line[part.length] === "\t" ? "tab" : "space"}, not "="${rest}`;
  } else {
    what = `${quoted(part)} is not a name (letters, digits, _ and ., not starting with a digit)${rest}`;
  }
  return `${name} line ${at} is not KEY=value: ${what}; fix it or comment it out with #`;
}

export function parseDotenv(
  name: string,
  text: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedDotenv {
  const vars: Record<string, string> = {};
  const lineOf: Record<string, number> = {};
  const errors: string[] = [];
  const warnings: string[] = [];
  // a byte order mark (some Windows editors write one) is not part of the first name
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  // eslint-disable-next-line no-control-regex -- a NUL byte is what marks binary data
  const binary = /[\u0000\uFFFD]/.exec(src);
  if (binary) {
    const at = src.slice(0, binary.index).split("\n").length;
    return {
      vars,
      errors: [
        `${name} holds binary data (${binary[0] === "\u0000" ? "a NUL byte" : "bytes that are not UTF-8"} on line ${at}), not KEY=value lines; make it a UTF-8 text file`,
      ],
      warnings,
    };
  }
  let pos = 0;
  let line = 1;
  const lookup: Lookup = (n) => env[n] ?? vars[n];
  const advance = (to: number) => {
    for (let k = pos; k < to && k < src.length; k++) if (src[k] === "\n") line++;
    pos = to;
  };
  const skipLine = () => {
    const end = src.indexOf("\n", pos);
    advance(end === -1 ? src.length : end + 1);
  };
  while (pos < src.length) {
    // blank lines and whole-line comments
    const ws = /^[ \t\f\v]*/.exec(src.slice(pos))![0];
    advance(pos + ws.length);
    if (pos >= src.length) break;
    if (src[pos] === "\n") {
      advance(pos + 1);
      continue;
    }
    if (src[pos] === "#") {
      skipLine();
      continue;
    }
    const startLine = line;
    let rest = src.slice(pos);
    const exported = /^export[ \t]+/.exec(rest);
    if (exported) {
      advance(pos + exported[0].length);
      rest = src.slice(pos);
    }
    const key = NAME.exec(rest)?.[0];
    if (!key) {
      errors.push(notKeyValue(name, startLine, rest.split("\n")[0], undefined));
      skipLine();
      continue;
    }
    advance(pos + key.length);
    const afterKey = /^[ \t]*/.exec(src.slice(pos))![0];
    advance(pos + afterKey.length);
    if (pos >= src.length || src[pos] === "\n" || src[pos] === "#") {
      // a bare name: the value comes from the environment, as compose does
      if (env[key] !== undefined) vars[key] = env[key]!;
      skipLine();
      continue;
    }
    if (src[pos] !== "=") {
      errors.push(
        src[pos] === ":"
          ? `${name} line ${startLine}: ${key} is not followed by "=" (a YAML-style "${key}:"); write ${key}=value`
          : notKeyValue(name, startLine, rest.split("\n")[0], key),
      );
      skipLine();
      continue;
    }
    advance(pos + 1);
    advance(pos + /^[ \t]*/.exec(src.slice(pos))![0].length);
    const secret = isSecretName(key);
    const fail = (message: string) => errors.push(`${name} line ${startLine} (${key}): ${message}`);
    const unsetNames = new Set<string>();
    const how: Interpolation = {
      lookup,
      fail,
      hidden: secret,
      unset: (variable) => {
        if (unsetNames.has(variable)) return;
        unsetNames.add(variable);
        if (secret) {
          // compose would silently cut the password; a `$` in a secret is far more often literal
          fail(
            `${variable} is not set, so its $ reference would silently become empty (value hidden); set ${variable}, or ${LITERAL_DOLLAR}`,
          );
        } else {
          warnings.push(
            `${name} line ${startLine} (${key}): ${variable} is not set, so "$${variable}" becomes an empty string (as in docker compose); set ${variable}, or ${LITERAL_DOLLAR}`,
          );
        }
      },
    };
    let value: string;
    const quote = src[pos];
    if (quote === '"' || quote === "'") {
      let j = pos + 1;
      let raw = "";
      let closed = false;
      while (j < src.length) {
        const c = src[j];
        if (c === "\\" && j + 1 < src.length) {
          const next = src[j + 1];
          if (quote === "'") {
            raw += next === "'" ? "'" : `\\${next}`;
          } else {
            raw += ESCAPES[next] ?? `\\${next}`;
          }
          j += 2;
          continue;
        }
        if (c === quote) {
          closed = true;
          break;
        }
        raw += c;
        j++;
      }
      if (!closed) {
        errors.push(
          `${name} line ${startLine}: the ${quote === '"' ? "double" : "single"} quote of ${key} is never closed; close it`,
        );
        advance(src.length);
        break;
      }
      value = quote === '"' ? interpolate(raw, how) : raw;
      advance(j + 1);
      const trailing = /^[^\n]*/.exec(src.slice(pos))![0];
      if (trailing.trim() !== "" && !/^[ \t]+#/.test(trailing) && !trailing.trim().startsWith("#")) {
        errors.push(
          secret
            ? `${name} line ${line}: unexpected text after the quoted value of ${key} (value hidden); quote the whole value, or put comments after a space and #`
            : `${name} line ${line}: unexpected ${quoted(trailing.trim().slice(0, 20))} after the quoted value of ${key}; put comments after a space and #`,
        );
      }
      skipLine();
    } else {
      const end = src.indexOf("\n", pos);
      let raw = src.slice(pos, end === -1 ? src.length : end);
      const comment = /[ \t]#/.exec(raw);
      if (comment) raw = raw.slice(0, comment.index);
      value = interpolate(raw.replace(/[ \t]+$/, ""), how);
      skipLine();
    }
    if (key in vars) {
      warnings.push(
        `${name} sets ${key} twice (lines ${lineOf[key]} and ${startLine}); the last one wins, as in docker compose: remove the other`,
      );
    }
    vars[key] = value;
    lineOf[key] = startLine;
  }
  // a file of many bad lines (not a .env at all) is summed up, not listed line by line
  const shown =
    errors.length > MAX_ERRORS
      ? [
          ...errors.slice(0, MAX_ERRORS),
          `${name}: ${errors.length - MAX_ERRORS} more lines like these; is it the right file?`,
        ]
      : errors;
  return { vars, errors: shown, warnings };
}
