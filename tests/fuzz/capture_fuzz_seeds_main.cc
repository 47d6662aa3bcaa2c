// Writes the capture fuzz seed corpus into a directory, one file per seed:
//   capture_fuzz_seeds corpus/ && capture_decoder_fuzzer corpus/
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/fuzz/capture_fuzz.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  int n = 0;
  for (const auto& seed : overseer::CaptureFuzzSeeds()) {
    const std::string path =
        std::string(argv[1]) + "/seed-" + std::to_string(n++);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(seed.data()),
              static_cast<std::streamsize>(seed.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %d seeds to %s\n", n, argv[1]);
  return 0;
}
