/**
 * Text that reaches the pull-request comment: terminal codes removed, values escaped for markdown
 * and HTML, secrets redacted, and long text cut. Pure.
 *
 * The order matters and is fixed here: plain text -> escape -> redact -> truncate. Redaction runs
 * on the escaped text (looking for every escaped form of each secret), so escaping cannot hide a
 * secret from it; truncation runs last, so a secret cut in two can never survive in part.
 */
import { stripVTControlCharacters } from "util";

export const REDACTED = "(redacted)";

/** Values shorter than this are not treated as secrets: replacing them would mangle the text. */
export const MIN_SECRET_LENGTH = 4;

/** Without terminal escape sequences and control characters (tabs and newlines kept). */
export function plainText(text: string): string {
  return (
    stripVTControlCharacters(text)
      .replace(/\r\n?/g, "\n")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "")
  );
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "|": "&#124;",
};

/** For the inside of a `<pre>` block: HTML-escaped, lines kept. */
export function escapeBlock(text: string): string {
  return plainText(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * For one value inside inline HTML (`<code>`), in prose or a table cell: HTML-escaped, every
 * character markdown gives a meaning to backslash-escaped, `|` as an entity (table cells), and
 * newlines folded to spaces, so a value can open no link, image, emphasis, tag or new block.
 */
export function escapeInline(text: string): string {
  return plainText(text)
    .replace(/\s*\n\s*/g, " ")
    .replace(/[&<>"'|]|[\\`*_{}[\]()#!~^$]/g, (c) => ENTITIES[c] ?? `\\${c}`);
}

/** A value as inline code: the only way values enter prose (no mention or autolink inside code). */
export function code(text: string): string {
  return `<code>${escapeInline(text)}</code>`;
}

/** The secrets to look for, longest first, so a secret that contains another is replaced whole. */
export function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
}

/**
 * Replaces each secret, in its raw form and in every escaped form this module writes, by
 * REDACTED. Run it on escaped text, before any truncation.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = usableSecrets(
    usableSecrets(secrets).flatMap((s) => [s, plainText(s), escapeBlock(s), escapeInline(s)]),
  );
  return forms.reduce((t, s) => t.split(s).join(REDACTED), text);
}

/**
 * The longest prefix of `text` that ends at a line boundary and fits in `max` characters, and
 * whether anything was cut. Never cuts inside a line, so never inside an escape.
 */
export function truncateLines(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const head = text.slice(0, Math.max(0, max));
  const end = head.lastIndexOf("\n");
  return { text: end < 0 ? "" : head.slice(0, end), cut: true };
}
