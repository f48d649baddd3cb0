import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real kbuild builds and QEMU boots: generous per-test limits, two workers for two cores.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
    globalSetup: ["test/helpers/global-setup.ts"],
  },
});
