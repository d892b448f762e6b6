#ifndef GLOSS_FUZZ_DRIVER_H
#define GLOSS_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links). SwiftPM names an
/// executable's entry point `<module>_main`, so gloss-fuzz supplies that and hands over.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
