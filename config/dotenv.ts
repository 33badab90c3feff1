/**
 * `.env` files as docker compose reads them, so a team's compose `.env` means the same here:
 *
 * - `#` starts a comment at the start of a line, or after a space following an unquoted value
 *   (`VAR=VAL # comment`; `VAR=VAL#x` keeps `VAL#x`);
 * - `'single quotes'` are literal (only `\'` is unescaped); `"double quotes"` take the shell escapes
 *   `\n \r \t \\ \"` and interpolation; unquoted values take interpolation; quoted values may span lines;
 * - interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 *   `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}` (nestable), `$$` for a literal `$`;
 * - `export VAR=...` is accepted; a bare `VAR` takes the value from the process environment.
 *
 * Pure. No library parses compose's dialect (dotenv keeps `\t` and `\"` as written, cuts `a#b`,
 * and its expander interpolates single quotes), hence this one, tested against compose's
 * documented examples.
 */

export interface ParsedDotenv {
  readonly vars: Readonly<Record<string, string>>;
  /** `name line N: problem; fix` for each line that cannot be read. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*/;

/** How deep `${A:-${B:-...}}` may nest: far beyond any real file, well within the call stack. */
const MAX_NESTING = 20;

/** Interpolates `${...}` and `$NAME` in a value; `fail` receives a required variable's message. */
export function interpolate(
  value: string,
  lookup: Lookup,
  fail: (message: string) => void,
  nesting = 0,
): string {
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
          `${JSON.stringify(value.slice(i, i + 20))} opens \${ without a closing }; close it, or write $$ for a literal $`,
        );
        break;
      }
      out += braced(value.slice(i + 2, j - 1), lookup, fail, nesting);
      i = j;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
    if (m) {
      out += lookup(m[0]) ?? "";
      i += 1 + m[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function braced(expr: string, lookup: Lookup, fail: (message: string) => void, nesting: number): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(expr);
  if (!m) {
    fail(`\${${expr}} is not a variable reference (use \${NAME}, \${NAME:-default}, ...)`);
    return "";
  }
  const [, name, op, arg = ""] = m;
  const value = lookup(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== "";
  const word = () => interpolate(arg, lookup, fail, nesting + 1);
  switch (op) {
    case undefined:
      return value ?? "";
    case ":-":
      return nonEmpty ? value! : word();
    case "-":
      return set ? value! : word();
    case ":?":
    case "?":
      if (op === ":?" ? nonEmpty : set) return value!;
      fail(`${name} is required${arg ? `: ${word()}` : ""}`);
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
      const shown = rest.split("\n")[0].slice(0, 40);
      errors.push(
        `${name} line ${startLine} is not KEY=value (got ${JSON.stringify(shown)}); fix it or comment it out with #`,
      );
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
      const shown = src.slice(
        pos - key.length - afterKey.length,
        src.indexOf("\n", pos) === -1 ? undefined : src.indexOf("\n", pos),
      );
      errors.push(
        src[pos] === ":"
          ? `${name} line ${startLine}: ${key} is not followed by "=" (a YAML-style "${key}:"); write ${key}=value`
          : `${name} line ${startLine} is not KEY=value (got ${JSON.stringify(shown.slice(0, 40))}); fix it or comment it out with #`,
      );
      skipLine();
      continue;
    }
    advance(pos + 1);
    advance(pos + /^[ \t]*/.exec(src.slice(pos))![0].length);
    const fail = (message: string) => errors.push(`${name} line ${startLine} (${key}): ${message}`);
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
      value = quote === '"' ? interpolate(raw, lookup, fail) : raw;
      advance(j + 1);
      const trailing = /^[^\n]*/.exec(src.slice(pos))![0];
      if (trailing.trim() !== "" && !/^[ \t]+#/.test(trailing) && !trailing.trim().startsWith("#")) {
        errors.push(
          `${name} line ${line}: unexpected ${JSON.stringify(trailing.trim().slice(0, 20))} after the quoted value of ${key}; put comments after a space and #`,
        );
      }
      skipLine();
    } else {
      const end = src.indexOf("\n", pos);
      let raw = src.slice(pos, end === -1 ? src.length : end);
      const comment = /[ \t]#/.exec(raw);
      if (comment) raw = raw.slice(0, comment.index);
      value = interpolate(raw.replace(/[ \t]+$/, ""), lookup, fail);
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
