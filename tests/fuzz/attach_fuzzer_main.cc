// libFuzzer entry: see attach_fuzz.h for the input layout.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/attach_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return overseer::FuzzAttachInput(data, size);
}
