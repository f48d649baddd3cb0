// The static dkms.conf reader: what it calls known must be what bash really sets when it sources the
// file (checked by sourcing it), and what depends on a condition or a command must be unknown.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { expandVariables, readShellValues } from "../../src/config/shell-assignments.js";

// A dkms.conf with the shapes real packages use, top-level values and shell logic mixed.
const DKMS_CONF = `# demo driver
PACKAGE_NAME="demo-drv"
PACKAGE_VERSION=2.4.1 # release
BUILT_MODULE_NAME[0]="$PACKAGE_NAME"
BUILT_MODULE_NAME[1]='\${PACKAGE_NAME}_core'
BUILT_MODULE_LOCATION[0]="src/"
MAKE[0]="'make' -C src KVERSION=\${kernelver} \\
  DRIVER_VERSION=$PACKAGE_VERSION"
MAKE_MATCH[0]="^6\\\\."
CLEAN="make -C src clean"
if [ -n "$(grep CONFIG_VIDEO_V4L2= "\${kernel_source_dir}/.config")" ]; then
  BUILD_EXCLUSIVE_CONFIG="CONFIG_VIDEO_V4L2"
else
  BUILD_EXCLUSIVE_CONFIG="REQUIRES CONFIG_VIDEO_V4L2"
fi
[ "$arch" = x86_64 ] || BUILD_EXCLUSIVE_ARCH="none"
case "$kernelver" in
  (4.*) OBSOLETE_BY="5.0" ;;
esac
for i in 1 2; do LOOPED=$i; done
prepare() {
  IN_FUNCTION=1
}
FROM_COMMAND=$(uname -r)
TEMP=1 true
export AUTOINSTALL="yes" STRIP=no
cat >/dev/null <<'EOF'
NOT_AN_ASSIGNMENT=1
EOF
DEST_MODULE_LOCATION[0]="/updates/dkms"
`;

const sourced = (text: string, names: string[]): Record<string, string> => {
  const script =
    `kernelver=KV; kernel_source_dir=/nonexistent; ` +
    `arch=x86_64\n${text}\n${names.map((name) => `printf '%s\\0' "\${${name}}"`).join("\n")}`;
  const values = execFileSync("bash", ["-c", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\0");
  return Object.fromEntries(names.map((name, index) => [name, values[index]!]));
};

describe("static reading of dkms.conf", () => {
  const { known, unknown } = readShellValues(DKMS_CONF);

  it("knows plain top-level assignments, with the values bash gives them", () => {
    expect([...known.keys()]).toEqual([
      "PACKAGE_NAME",
      "PACKAGE_VERSION",
      "BUILT_MODULE_NAME[0]",
      "BUILT_MODULE_NAME[1]",
      "BUILT_MODULE_LOCATION[0]",
      "MAKE[0]",
      "MAKE_MATCH[0]",
      "CLEAN",
      "AUTOINSTALL",
      "STRIP",
      "DEST_MODULE_LOCATION[0]",
    ]);
    // Variables DKMS defines (kernelver) stay as written, for the caller to expand per kernel.
    const expected = Object.fromEntries([...known].map(([name, value]) => [name, expandVariables(value, new Map([["kernelver", "KV"]]))]));
    expect(expected).toEqual(sourced(DKMS_CONF, [...known.keys()]));
    expect(known.get("MAKE[0]")).toBe("'make' -C src KVERSION=${kernelver}   DRIVER_VERSION=2.4.1");
    expect(known.get("BUILT_MODULE_NAME[1]")).toBe("${PACKAGE_NAME}_core");
  });

  it("leaves what depends on a condition, a loop, a function or a command unknown, saying why", () => {
    expect(Object.fromEntries(unknown)).toEqual({
      BUILD_EXCLUSIVE_CONFIG: "it is set under the shell `if` at line 11",
      BUILD_EXCLUSIVE_ARCH: "it is set after `||` on line 16, so only when the command before it fails",
      OBSOLETE_BY: "it is set inside a `case` at line 17",
      LOOPED: "it is set inside a loop at line 20",
      IN_FUNCTION: "it is set inside the function prepare (line 21), which runs only when called",
      FROM_COMMAND: "its value runs a command (line 24), which kforge never does",
    });
    // A prefix assignment sets the command's environment only; a here-document body is text.
    expect(known.has("TEMP") || unknown.has("TEMP")).toBe(false);
    expect(known.has("NOT_AN_ASSIGNMENT")).toBe(false);
  });

  it("lets a later top-level assignment settle an earlier conditional one, and taints what uses an unknown", () => {
    const values = readShellValues('if true; then A=1; fi\nA=2\nif x; then B=1; fi\nC="$B/x"\nD+=y\nD+=z\n');
    expect(values.known.get("A")).toBe("2");
    expect(values.unknown.get("C")).toBe("it uses $B, which a static reading cannot know (it is set under the shell `if` at line 3)");
    expect(values.known.get("D")).toBe("yz");
  });
});
