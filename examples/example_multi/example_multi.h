/* example_multi: declarations shared by example_multi_main.c and example_multi_greet.c. */
#ifndef EXAMPLE_MULTI_H
#define EXAMPLE_MULTI_H

/*
 * Functions shared between the module's files are global inside the module (not exported to other
 * modules), so they carry the module name as a prefix.
 */
void example_multi_greet(unsigned int index, unsigned int total);

#endif /* EXAMPLE_MULTI_H */
