/* example_kunit: the functions example_kunit_test.c tests. */
#ifndef EXAMPLE_KUNIT_H
#define EXAMPLE_KUNIT_H

int example_kunit_clamp(int value, int low, int high);

#endif
