// overseer-report FILE [flags]: prints what a capture shows. See
// probes/tools/report.h, or run it with --help.
#include <iostream>
#include <string>
#include <vector>

#include "probes/capture/capture_reader.h"
#include "probes/tools/report.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return overseer::RunReport(args, overseer::OpenCaptureFile, std::cout, std::cerr);
}
