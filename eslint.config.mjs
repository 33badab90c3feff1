// ESLint flat config: typescript-eslint's recommended rules over every TypeScript source, plus the
// layer rule of the architecture (README, "Architecture"): the construct library imports nothing
// from the configuration, the stacks or the scripts, and reads no environment.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", ".tools/", "django-app/", "test/fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["constructs/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/config", "**/config/**"],
              message: "constructs/ knows nothing of configuration: take props instead",
            },
            {
              group: ["**/stacks", "**/stacks/**"],
              message: "constructs/ is below stacks/: a construct never imports a stack",
            },
            { group: ["**/scripts/**"], message: "constructs/ never imports the CLI or tools" },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "constructs/ reads no environment: take props instead",
        },
      ],
    },
  },
  {
    files: ["config/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["cdktf", "@cdktf/*", "**/stacks", "**/stacks/**"],
              message: "config/ knows nothing of Terraform",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { globals: { module: "writable", require: "readonly", process: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
