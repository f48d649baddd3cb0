// Pure: the guest's side of the file share. A restored (or just saved) guest mounts the run's
// staging folder and links each staged file where a cold start's initramfs puts it, so the steps
// are the same whichever way the files came in. The mount happens only after the state is saved:
// QEMU refuses to migrate while a 9p export is mounted.
import { GUEST_MODULE_DIR, GUEST_SHARE_DIR, GUEST_WORK_DIR } from "../guest/init-script.js";
import { STAGED_FILES, STAGED_MODULES } from "./staging.js";

export const FILE_SHARE_TAG = "kforge";
// 9p moves at most msize bytes per request; virtio's ring caps what QEMU accepts at 512 KiB.
export const MSIZE = 512 * 1024;
// How every kforge 9p export is mounted: over virtio, with the Linux dialect (owners, modes, symlinks).
export const NINE_P_TRANSPORT = "trans=virtio,version=9p2000.L";

// Never `exit`: the host userspace runs it inside its own mount command (vm/host-root/view.ts), which
// goes on when this fails. A link that cannot be made fails it through `linked`.
export function fileShareMountCommand(): string {
  const links = [
    [STAGED_MODULES, GUEST_MODULE_DIR],
    [STAGED_FILES, GUEST_WORK_DIR],
  ].map(
    ([staged, target]) =>
      `for file in ${GUEST_SHARE_DIR}/${staged}/*; do [ ! -e "$file" ] || ln -sf "$file" ${target}/ || { linked=; break; }; done`,
  );
  return [
    `mount -t 9p -o ${NINE_P_TRANSPORT},ro,msize=${MSIZE} ${FILE_SHARE_TAG} ${GUEST_SHARE_DIR}`,
    "linked=1",
    ...links,
    '[ -n "$linked" ]',
  ].join(" && ");
}
