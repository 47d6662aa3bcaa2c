// Writes the attach fuzz seed corpus into a directory, one file per seed:
//   attach_fuzz_seeds corpus/ && attach_protocol_fuzzer corpus/
#include <cstdio>
#include <fstream>
#include <string>

#include "tests/fuzz/attach_fuzz.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  int n = 0;
  for (const auto& seed : overseer::AttachFuzzSeeds()) {
    const std::string path = std::string(argv[1]) + "/attach-seed-" + std::to_string(n++);
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
