// overseer-capture --beam: records a running BEAM node into a capture file.
// Internal to overseer-capture (capture_run.cc calls it).
#ifndef OVERSEER_PROBES_TOOLS_CAPTURE_BEAM_H_
#define OVERSEER_PROBES_TOOLS_CAPTURE_BEAM_H_

#include <cstdio>
#include <functional>

#include "probes/tools/capture_options.h"

namespace overseer {

// Connects to options.node, records it into options.out until
// `should_stop`, the duration, or the node's end, with progress and the
// summary on `err`. Returns an exit status of capture_run.h.
int RecordBeamNode(const CaptureToolOptions& options,
                   const std::function<bool()>& should_stop, std::FILE* err);

}  // namespace overseer

#endif  // OVERSEER_PROBES_TOOLS_CAPTURE_BEAM_H_
