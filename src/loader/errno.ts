// errno names for the error texts insmod prints (strerror, and kmod's own wording for some), so a
// diagnosis can say "-ENODEV" instead of repeating the text. Pure.

const ERRNO_BY_TEXT: Record<string, string> = {
  "no such device": "ENODEV",
  "no such device or address": "ENXIO",
  "invalid argument": "EINVAL",
  "invalid parameters": "EINVAL",
  "cannot allocate memory": "ENOMEM",
  "device or resource busy": "EBUSY",
  "input/output error": "EIO",
  "resource temporarily unavailable": "EAGAIN",
  "bad address": "EFAULT",
  "permission denied": "EACCES",
  "operation not supported": "EOPNOTSUPP",
  "no space left on device": "ENOSPC",
  "numerical result out of range": "ERANGE",
  "connection timed out": "ETIMEDOUT",
  "no such file or directory": "ENOENT",
};

// The kernel's internal codes (include/linux/errno.h): never meant for user space, so libc has no text
// for them and insmod prints "Unknown error 517".
const KERNEL_INTERNAL: Record<number, string> = {
  512: "ERESTARTSYS",
  513: "ERESTARTNOINTR",
  514: "ERESTARTNOHAND",
  515: "ENOIOCTLCMD",
  516: "ERESTART_RESTARTBLOCK",
  517: "EPROBE_DEFER",
  518: "EOPENSTALE",
  519: "ENOPARAM",
  521: "EBADHANDLE",
  522: "ENOTSYNC",
  523: "EBADCOOKIE",
  524: "ENOTSUPP",
  525: "ETOOSMALL",
  526: "ESERVERFAULT",
  527: "EBADTYPE",
  528: "EJUKEBOX",
  529: "EIOCBQUEUED",
  530: "ERECALLCONFLICT",
  531: "ENOGRACE",
};

// What an errno from a module's init usually means, where the name alone does not say it.
const ERRNO_HINTS: Record<string, string> = {
  EPROBE_DEFER:
    "-EPROBE_DEFER (517) means something the driver needs is not ready yet: a module it depends on, a device, a clock, a " +
    "regulator, a GPIO or firmware. Load what provides it first; the driver core retries a probe() that returns it, but a " +
    "module_init() that returns it just fails the load",
  ENOTSUPP:
    '-ENOTSUPP (524) is kernel-internal and reaches user space as "Unknown error 524": see which call in init returned it, ' +
    "and return -EOPNOTSUPP to user space instead",
};

export function errnoName(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase();
  const unknown = /^unknown error (\d+)$/.exec(trimmed);
  if (unknown) return KERNEL_INTERNAL[Number(unknown[1])];
  return ERRNO_BY_TEXT[trimmed];
}

export const errnoHint = (name: string | undefined): string | undefined => (name === undefined ? undefined : ERRNO_HINTS[name]);
