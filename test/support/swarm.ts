/** Helpers for the swarm constructs' tests: a network, Swarm secrets and a database to wire to. */
import { Construct } from "constructs";
import { SecretFile, SwarmDatabase, AppNetwork, SwarmSecrets } from "../../constructs";
import { PASSWORD, SECRET_KEY } from "./constructs";

export const APP_PASSWORD: SecretFile = {
  name: "database_app_password",
  source: "../../../.secrets/t/database_app_password",
  revision: "c".repeat(32),
};

export function swarmBasics(scope: Construct, extraFiles: readonly SecretFile[] = []) {
  const network = new AppNetwork(scope, "Network", { namePrefix: "t", driver: "overlay" });
  const secrets = new SwarmSecrets(scope, "SwarmSecrets", {
    namePrefix: "t",
    files: [SECRET_KEY, PASSWORD, APP_PASSWORD, ...extraFiles],
    idDir: "../../swarm-secrets",
  });
  const database = new SwarmDatabase(scope, "Database", {
    name: "t-db",
    network: network.backend,
    secrets,
    password: PASSWORD,
    appPassword: APP_PASSWORD,
    alias: "db",
  });
  return { network, secrets, database };
}
