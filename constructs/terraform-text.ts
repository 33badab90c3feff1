/**
 * Text that Terraform must take as written.
 *
 * Every string in the synthesized configuration is a Terraform template: `${...}` is evaluated
 * and `%{...}` is a directive. A user's value (an environment variable of the app, an allowed
 * host, a command, an e-mail address) that holds either would be evaluated at plan time: at best
 * a confusing Terraform error, at worst `${file("/etc/passwd")}` read on the deploying machine into
 * the container's environment and the state. `literal` escapes both (`$${`, `%%{`), so the
 * container gets exactly the characters the user wrote; cdktf's own references
 * (`${TfToken[...]}`, resolved later) are left alone.
 */
const TEMPLATE_START = /\$\{(?!TfToken\[)/g;
const DIRECTIVE_START = /%\{/g;

export function literal(text: string): string {
  // (a function: in a replacement string, "$$" would stand for one "$")
  return text.replace(TEMPLATE_START, () => "$${").replace(DIRECTIVE_START, () => "%%{");
}

/** `NAME=value` entries for a container's environment, each value taken literally. */
export function literalEnv(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${literal(value)}`);
}

/** A map of values (a service's environment, build arguments), each taken literally. */
export function literalValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, literal(value)]));
}
