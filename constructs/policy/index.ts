import { Aspects } from "cdktf";
import { AppNotRoot } from "./app-not-root";
import { HealthcheckRequired } from "./healthcheck-required";
import { LogLimitsRequired } from "./log-limits-required";
import { NoPrivileged } from "./no-privileged";
import { NoPublishedDbPort } from "./no-published-db-port";
import { PinnedImages } from "./pinned-images";
import { RestartPolicyRequired } from "./restart-policy-required";

/** Every policy rule, one per file; each reports `[rule-id] ...` as a synth error. */
export function addPolicyChecks(aspects: Aspects): void {
  aspects.add(new PinnedImages());
  aspects.add(new NoPrivileged());
  aspects.add(new NoPublishedDbPort());
  aspects.add(new HealthcheckRequired());
  aspects.add(new RestartPolicyRequired());
  aspects.add(new LogLimitsRequired());
  aspects.add(new AppNotRoot());
}
