// Which Makefiles and dkms.conf MAKE[] lines are wrappers kforge's plain kbuild call would bypass.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findMakefileWrapper, isPlainKbuildCall } from "../../src/kbuild/wrapper-detect.js";
import { fixturePath } from "../helpers/fixtures.js";

describe("findMakefileWrapper", () => {
  it("finds the default target's kbuild call and the variables it adds, and the kernel tree variable", () => {
    expect(findMakefileWrapper(readFileSync(fixturePath("kbuild/projects/wrapper-makefile/Makefile"), "utf8"))).toEqual({
      target: "all",
      line: 10,
      command: "$(MAKE) -C $(KDIR) M=$(CURDIR) EXTRA_CFLAGS='-DDRIVER_VERSION=\\\"$(VERSION)\\\"' modules",
      extras: ["EXTRA_CFLAGS='-DDRIVER_VERSION=\\\"$(VERSION)\\\"'"],
      kernelVariable: "KDIR",
    });
  });

  it("follows the default goal through a prerequisite, and a recursion into a subfolder counts", () => {
    const text = "default: build\n\nbuild:\n\t@$(MAKE) -C $(KSRC) M=$(PWD) CONFIG_DEMO=m \\\n\t  modules\n";
    expect(findMakefileWrapper(text)).toMatchObject({ target: "build", line: 4, extras: ["CONFIG_DEMO=m"], kernelVariable: "KSRC" });
    expect(findMakefileWrapper("all:\n\t$(MAKE) -C src\n")).toMatchObject({ target: "all", extras: ["-C src"] });
  });

  it("leaves a plain kbuild call, and a Kbuild-only Makefile, alone", () => {
    const plain =
      "obj-m += hello.o\nKDIR ?= /lib/modules/$(shell uname -r)/build\nall:\n" +
      "\t$(MAKE) -C $(KDIR) M=$(PWD) modules\nclean:\n\t$(MAKE) -C $(KDIR) M=$(PWD) clean\n";
    expect(findMakefileWrapper(plain)).toBeUndefined();
    expect(findMakefileWrapper("obj-m += hello.o\n")).toBeUndefined();
  });
});

describe("isPlainKbuildCall", () => {
  it("tells DKMS's default kbuild call from a MAKE[] that adds to it", () => {
    expect(isPlainKbuildCall("make -C ${kernel_source_dir} M=${dkms_tree}/demo/1.0/build modules")).toBe(true);
    expect(isPlainKbuildCall("'make' -C ${kernel_source_dir} M=${dkms_tree}/demo/1.0/build")).toBe(true);
    expect(isPlainKbuildCall("make -C src KVERSION=${kernelver}")).toBe(false);
    expect(isPlainKbuildCall("make TARGET=${kernelver}")).toBe(false);
  });
});
