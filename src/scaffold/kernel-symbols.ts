// Names a module must not take. Every generated symbol is "<name>_<suffix>" (init, exit, open,
// read, write, release, show, lock, value, ...), so a name that is itself a kernel subsystem prefix
// yields symbols the kernel headers already declare (a module named "seq" would define seq_open and
// seq_read; "mutex" would define mutex_init; "module" would redefine module_init).

// Subsystem prefixes of widely used kernel functions and macros.
export const KERNEL_PREFIXES: ReadonlySet<string> = new Set([
  "acpi", "alloc", "atomic", "attribute", "bdev", "bio", "bitmap", "blk", "block", "bpf", "bus", "capable",
  "cdev", "chrdev", "class", "clk", "clock", "completion", "copy", "cpu", "cpumask", "cred", "crypto",
  "current", "debugfs", "default", "delayed", "dentry", "dev", "device", "devm", "devres", "dma", "do", "down",
  "driver", "drm", "ether", "eventfd", "file", "filp", "firmware", "free", "fs", "ftrace", "generic", "get",
  "gpio", "hid", "hlist", "hrtimer", "i2c", "idr", "inet", "init", "inode", "input", "iomem", "ioremap",
  "iov", "irq", "jiffies", "kallsyms", "kernel", "kfifo", "kfree", "kmalloc", "kmem", "kobj", "kobject",
  "kprobe", "kref", "kset", "kstrto", "ksys", "kthread", "ktime", "kvfree", "kvmalloc", "kzalloc", "list",
  "llist", "lock", "mem", "memory", "misc", "mm", "mmap", "mod", "module", "mutex", "net", "netdev", "netif",
  "netlink", "nla", "noop", "notifier", "ns", "of", "page", "param", "pci", "percpu", "perf", "pid",
  "platform", "pm", "pr", "print", "printk", "proc", "put", "queue", "random", "rb", "rcu", "refcount",
  "register", "regmap", "ring", "rwlock", "rwsem", "sched", "schedule", "security", "sema", "seq", "set",
  "signal", "simple", "single", "sk", "skb", "smp", "snd", "sock", "spi", "spin", "srcu", "static", "str",
  "super", "sys", "sysctl", "sysfs", "task", "tasklet", "tcp", "time", "timer", "trace", "tty", "udp",
  "uevent", "unregister", "up", "usb", "user", "vfs", "vm", "vmalloc", "wait", "wake", "work", "workqueue",
  "wq", "xa", "xarray",
]);

// Whole kernel symbols and macros that are not prefixes of the above.
export const KERNEL_SYMBOLS: ReadonlySet<string> = new Set([
  "abs", "barrier", "container_of", "errno", "jiffies64", "likely", "main", "max", "mdelay", "memcmp", "memcpy",
  "memmove", "memset", "min", "msleep", "ndelay", "panic", "snprintf", "sprintf", "sscanf", "ssleep",
  "strcmp", "strcpy", "strlen", "strncmp", "strscpy", "swap", "udelay", "unlikely", "usleep_range",
  "vprintk", "vsnprintf",
]);

// C keywords (C89 to C23), GNU keywords, and names the kernel #defines as keywords.
export const C_KEYWORDS: ReadonlySet<string> = new Set([
  "alignas", "alignof", "asm", "auto", "bool", "break", "case", "char", "const", "constexpr", "continue",
  "default", "do", "double", "else", "enum", "extern", "false", "float", "for", "goto", "if", "inline",
  "int", "long", "noreturn", "nullptr", "register", "restrict", "return", "short", "signed", "sizeof",
  "static", "static_assert", "struct", "switch", "thread_local", "true", "typedef", "typeof",
  "typeof_unqual", "union", "unsigned", "void", "volatile", "while",
]);
