/**
 * A value as a message shows it: in double quotes, with every character a terminal would not show
 * (or would show as a plain space) escaped, so that the user sees what is really there.
 *
 * JSON's own escapes stay as they are (`\n`, `\u001b`); what JSON leaves raw is escaped as
 * `\u{...}`: the other control characters (DEL, U+0080 to U+009F), format characters (zero-width
 * space U+200B, byte-order mark U+FEFF, direction marks), line and paragraph separators, and every
 * space other than the plain one (no-break space U+00A0, ideographic space U+3000, ...).
 *
 * Dependency-free, so the configuration and the constructs share it.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;

export function quoted(value: string): string {
  return JSON.stringify(value).replace(
    INVISIBLE,
    (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`,
  );
}
