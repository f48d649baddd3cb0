#!/usr/bin/env bash
# One-time set-up of a Debian/Ubuntu machine for developing and testing kforge: the system packages the
# tests use (make, gcc with its gcov, python3 for the host-userspace guest tests, two kernels' headers,
# QEMU for x86_64 and arm guests, a static busybox, kmod, sparse, coccinelle, lcov's genhtml, the arm64
# and armhf cross compilers), the npm dependencies (npm ci also compiles dist/), a bootable image for
# every installed build tree, Debian's arm64, armmp and armmp-lpae kernels of the installed 6.1 for the
# cross-build and arm guest tests, and the 6.12 debug kernel.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  make gcc libelf-dev python3-minimal
  linux-headers-amd64 linux-headers-6.12-amd64
  qemu-system-x86 qemu-system-arm busybox-static kmod cpio xz-utils zstd sparse coccinelle
  openssl clangd dkms
  lcov
  tmux
  bc flex bison libssl-dev dpkg-dev
  gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf
)
# apt's package lists for arm64 and armhf, so kforge kernel fetch can download those kernels (this
# installs nothing of those architectures).
as_root dpkg --add-architecture arm64
as_root dpkg --add-architecture armhf
as_root apt-get update -qq
# INITRD=No: the 6.12 headers pull in its kernel image; kforge boots it with its own initramfs,
# so skip Debian's slow update-initramfs run.
as_root env DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

npm ci --no-audit --no-fund

# Every kernel whose headers are installed gets an image to boot in the VM tests (cached per user).
for build in /lib/modules/*/build; do
  release=$(basename "$(dirname "$build")")
  [ -r "/boot/vmlinuz-$release" ] || node bin/kforge.js kernel fetch "$release"
done

# Debian's arm64, armmp and armmp-lpae flavours of the installed 6.1 (headers made buildable here, image, modules and a
# static busybox, into the per-user cache; docs/cross-architecture.md), for the cross-build and arm64 guest tests.
for build in /lib/modules/6.1.*-amd64/build; do
  release=$(basename "$(dirname "$build")")
  for flavour in arm64 armmp armmp-lpae; do node bin/kforge.js kernel fetch "${release%-amd64}-$flavour"; done
done

# The 6.12 debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak, KUnit, gcov) the debug-kernel, KUnit and
# coverage tests boot (one kernel for all three): built once into the per-user cache, a no-op when it is
# already there; one built before it had gcov gains it here (35 objects, minutes) (docs/debug-kernels.md).
nice -n 10 node bin/kforge.js kernel build 6.12 --debug
