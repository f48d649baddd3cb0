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

export function errnoName(text: string): string | undefined {
  return ERRNO_BY_TEXT[text.trim().toLowerCase()];
}
