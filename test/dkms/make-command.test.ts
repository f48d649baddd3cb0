// The MAKE[] DKMS picks for a kernel: MAKE[0] unless MAKE_MATCH[0] is set, overridden by every MAKE[i]
// whose MAKE_MATCH[i] matches the release (the last wins), else DKMS's default kbuild call.
import { describe, expect, it } from "vitest";
import { readShellValues } from "../../src/config/shell-assignments.js";
import { chooseDkmsMake, DKMS_DEFAULT_MAKE, dkmsExpectedModules } from "../../src/dkms/make-command.js";

const choose = (text: string, release: string) => chooseDkmsMake(readShellValues(text), release);

describe("chooseDkmsMake", () => {
  it("follows MAKE_MATCH per kernel", () => {
    const text =
      'MAKE[0]="make KVER=${kernelver}"\nMAKE[1]="make OLD=1"\nMAKE_MATCH[1]="^5\\."\nMAKE[2]="make NEW=1"\nMAKE_MATCH[2]="^6\\.1[0-9]"\n';
    expect(choose(text, "5.10.0-850-amd64")).toEqual({ key: "MAKE[1]", text: "make OLD=1" });
    expect(choose(text, "6.12.850+deb12-amd64")).toEqual({ key: "MAKE[2]", text: "make NEW=1" });
    expect(choose(text, "6.1.0-850-amd64")).toEqual({ key: "MAKE[0]", text: "make KVER=${kernelver}" });
    expect(choose('MAKE[0]="make A=1"\nMAKE_MATCH[0]="^4"\n', "6.1.0-850-amd64")).toEqual({ text: DKMS_DEFAULT_MAKE });
    expect(choose('PACKAGE_NAME="x"\n', "6.1.0-850-amd64")).toEqual({ text: DKMS_DEFAULT_MAKE });
  });

  it("refuses a MAKE set under shell logic: which command DKMS runs is unknown", () => {
    expect(() => choose('if [ -d /x ]; then MAKE[0]="make A=1"; fi\n', "6.1.0-850-amd64")).toThrow(
      /dkms.conf's MAKE\[0\] cannot be read without running the file \(it is set under the shell `if` at line 1\)/,
    );
  });

  it("lists the .ko files DKMS expects, at their BUILT_MODULE_LOCATION", () => {
    const values = readShellValues(
      'PACKAGE_NAME=demo\nBUILT_MODULE_NAME[0]="$PACKAGE_NAME"\nBUILT_MODULE_LOCATION[0]="src/"\nBUILT_MODULE_NAME[1]=core\n',
    );
    expect(dkmsExpectedModules(values, (text) => text)).toEqual(["src/demo.ko", "core.ko"]);
  });
});
