/**
 * The Django image's side of the settings contract, generated from the settings table: the names
 * its settings layer reads and their defaults, as environment-variable strings. Written to
 * `django-app/config/contract.json` by `npm run generate`; a unit test fails when the file differs,
 * so the image can never default to something the table does not say.
 */
import { SETTINGS, valueText } from "./settings";

export const DJANGO_CONTRACT_FILE = "django-app/config/contract.json";

export interface DjangoContract {
  readonly comment: string;
  /** Name -> default as the variable's text, or null when unset by default. */
  readonly variables: Readonly<Record<string, string | null>>;
}

export function djangoContract(): DjangoContract {
  const variables: Record<string, string | null> = {};
  for (const s of SETTINGS.filter((spec) => spec.django)) {
    // generated secrets have no default inside the image: the stack always passes a file
    variables[s.name] = valueText(s) ?? null;
  }
  return {
    comment: "Generated from config/settings.ts by `npm run generate`; do not edit.",
    variables,
  };
}

/** The file's text: stable key order, two-space indent, final newline. */
export function djangoContractText(): string {
  return `${JSON.stringify(djangoContract(), null, 2)}\n`;
}
