// A weak reference to libFuzzer's driver, so the fuzz entry point links (and says what to do)
// in an ordinary build, and runs libFuzzer in a build with -sanitize=fuzzer.
#include "LibFuzzerDriver.h"

extern int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size)) __attribute__((weak));

int capplan_run_libfuzzer(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size)) {
    if (!LLVMFuzzerRunDriver) return -1;
    return LLVMFuzzerRunDriver(argc, argv, test_one_input);
}
