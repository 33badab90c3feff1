/**
 * The configuration layer: environment variables and `.env` files in, one typed and validated
 * `StackConfig` per environment out. It knows nothing of Terraform or the constructs.
 */
export { buildConfig, secretKeyProblem } from "./build-config";
export type { ConfigResult } from "./build-config";
export { DJANGO_CONTRACT_FILE, djangoContract, djangoContractText } from "./django-contract";
export { loadConfig } from "./load-config";
export type { LoadResult } from "./load-config";
export { envSuffix } from "./reader";
export { materializeSecrets, secretRevision } from "./secret-store";
export type { EnvironmentSecrets, StackSecrets, StoredSecret } from "./secret-store";
export {
  FOREIGN_NAMES,
  OWN_PREFIXES,
  REPLACED_NAMES,
  SETTINGS,
  settingNamed,
  shownDefault,
} from "./settings";
export type { SettingScope, SettingSpec } from "./settings";
export type * from "./types";
