/* example_multi: the second source file of the module; see example_multi_main.c. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>

#include "example_multi.h"

void example_multi_greet(unsigned int index, unsigned int total)
{
	pr_info("greeting %u of %u\n", index, total);
}
