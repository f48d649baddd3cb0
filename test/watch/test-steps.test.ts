// Pure: a watch cycle's test steps, busybox guest and host userspace.
import { describe, expect, it } from "vitest";
import { watchTestSteps } from "../../src/watch/test-steps.js";

describe("watchTestSteps", () => {
  it("runs an entry naming a test script sent in with sh, and any other entry as a command", () => {
    expect(watchTestSteps(["check.sh ", "cat /proc/modules"], ["/work/mod/check.sh"], "/work/mod", undefined)).toEqual([
      { name: "sh ./check.sh", kind: "exec", command: "sh ./check.sh" },
      { name: "cat /proc/modules", kind: "exec", command: "cat /proc/modules" },
    ]);
  });

  it("runs every entry chrooted into the host's userspace, in the project dir, with no script sent in", () => {
    const view = { projectDir: "/work/mod", projectWritable: false, tmpfs: ["/tmp"] };
    const [step] = watchTestSteps(["check.sh"], ["/work/mod/check.sh"], "/work/mod", view);
    expect(step).toMatchObject({ name: "check.sh", kind: "exec" });
    expect(step!.command).toContain("exec chroot /kforge/host /bin/sh -c 'cd /work/mod || exit 125\ncheck.sh'");
  });
});
