import { describe, expect, it } from "vitest";
import { STEP_MARKER_PREFIX } from "../../../src/vm/guest/protocol.js";
import { createAgentScript } from "../../../src/vm/guest/init-script.js";

describe("createAgentScript", () => {
  it("writes a kernel log marker after each step only when the host reads the console", () => {
    expect(createAgentScript({ stepMarkers: true })).toContain(`echo "${STEP_MARKER_PREFIX} $id" > /dev/kmsg`);
    expect(createAgentScript({ stepMarkers: false })).not.toContain(STEP_MARKER_PREFIX);
  });
});
