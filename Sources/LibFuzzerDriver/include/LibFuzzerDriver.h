#ifndef CAPPLAN_LIBFUZZER_DRIVER_H
#define CAPPLAN_LIBFUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver on `test_one_input` when libFuzzer is linked (a build with
/// `-sanitize=fuzzer`); returns -1 without doing anything otherwise.
int capplan_run_libfuzzer(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
