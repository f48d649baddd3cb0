// `kforge doctor`: readiness checks.
import type { CommandSpec } from "./command-spec.js";

export const DOCTOR_COMMANDS: CommandSpec[] = [
  {
    name: "doctor",
    description: "check what building, loading and the VM need, and say how to fix each gap",
    options: ["kernel", "kdir", ["json", "print one JSON object"]],
    load: () => import("../commands/doctor.js").then((module) => module.doctorCommand),
  },
];
