/**
 * Names that look like ours but are not: typos of a setting, compose's names for what we call
 * otherwise, per-environment variables for environments that do not exist. Warnings, not errors:
 * the process environment holds many unrelated variables.
 */
import { distance } from "fastest-levenshtein";
import { envSuffix } from "./reader";
import { APP_VARIABLE_PREFIXES, FOREIGN_NAMES, OWN_PREFIXES, REPLACED_NAMES, SETTINGS } from "./settings";
import { ConfigInput } from "./types";

export function typoWarnings(input: ConfigInput, environments: readonly string[]): string[] {
  const known = SETTINGS.map((s) => s.name);
  const sources: { name: string; keys: string[] }[] = [{ name: "environment", keys: Object.keys(input.env) }];
  if (input.dotenv) sources.push({ name: input.dotenv.name, keys: Object.keys(input.dotenv.vars) });
  for (const f of Object.values(input.environmentFiles ?? {})) {
    sources.push({ name: f.name, keys: Object.keys(f.vars) });
  }
  const warnings: string[] = [];
  const suffixes = environments.map(envSuffix);
  for (const { name: where, keys } of sources) {
    for (const rawKey of keys) {
      const qualified = /^(.+)__([A-Z0-9_]+)$/.exec(rawKey);
      const key = qualified ? qualified[1] : rawKey;
      if (qualified && where === "environment" && known.includes(key)) {
        const spec = SETTINGS.find((s) => s.name === key)!;
        if (spec.scope !== "stack") {
          warnings.push(`${rawKey} is ignored: ${key} applies to every environment; set ${key} instead`);
        } else if (!suffixes.includes(qualified[2])) {
          warnings.push(
            `${rawKey} (in environment) names no environment in ENVIRONMENTS (${environments.join(",")}); it is ignored`,
          );
        }
        continue;
      }
      if (qualified && known.includes(key)) {
        warnings.push(
          `${rawKey} (in ${where}) is ignored: NAME__<ENV> is read from the process environment only; set ${key} in .env.${qualified[2].toLowerCase().replace(/_/g, "-")} instead`,
        );
        continue;
      }
      // debug, Database_Name: names are case-sensitive, so a setting in the wrong case is never read
      const sameLetters = known.find((k) => k !== rawKey && k.toLowerCase() === rawKey.toLowerCase());
      if (sameLetters) {
        warnings.push(
          `${rawKey} (in ${where}) is not a known setting (names are case-sensitive); did you mean ${sameLetters}?`,
        );
        continue;
      }
      // DEBUG__prod: the suffix is written in upper case, as envSuffix makes it
      const lower = /^(.+)__([A-Za-z0-9_-]+)$/.exec(rawKey);
      // debug__prod, Debug__PROD: a setting in the wrong case, per environment
      const lowerSetting =
        lower && known.find((k) => k !== lower[1] && k.toLowerCase() === lower[1].toLowerCase());
      if (lower && lowerSetting) {
        warnings.push(
          `${rawKey} (in ${where}) is not a known setting (names are case-sensitive); did you mean ${lowerSetting}__${envSuffix(lower[2])}?`,
        );
        continue;
      }
      if (!qualified && lower && known.includes(lower[1])) {
        warnings.push(
          `${rawKey} (in ${where}) is ignored: per-environment names end in the upper-case environment, e.g. ${lower[1]}__${envSuffix(lower[2])}`,
        );
        continue;
      }
      if (known.includes(key) || FOREIGN_NAMES.includes(key)) continue;
      // the project's own variables (APP_ENV_<NAME>, APP_SECRET_<NAME>): any name is theirs
      if (Object.values(APP_VARIABLE_PREFIXES).some((p) => key.startsWith(p))) continue;
      const replacement = REPLACED_NAMES[key];
      if (replacement) {
        warnings.push(`${rawKey} (in ${where}) is not read by this stack; set ${replacement} instead`);
        continue;
      }
      const fromFile = where !== "environment";
      if (!fromFile && !OWN_PREFIXES.some((p) => key.startsWith(p))) continue;
      const nearest = known.map((k) => ({ k, d: distance(k, key) })).sort((a, b) => a.d - b.d)[0];
      warnings.push(
        nearest.d <= 3
          ? `${rawKey} (in ${where}) is not a known setting; did you mean ${nearest.k}?`
          : `${rawKey} (in ${where}) is not a known setting and is ignored`,
      );
    }
  }
  return warnings;
}
