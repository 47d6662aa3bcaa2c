// Formatting of figures for people, shared by the report tool and the GUI so
// that both print a number the same way. Bytes use FormatBytes (model.h).
//
// Example:
//   FormatDuration(90'000'000'000)  // "1m30s"
//   FormatCount(1830)               // "1,830"
//   FormatRate(1'200'000.0)         // "1.2 MB/s"
//
// All functions are pure and thread-safe.
#ifndef OVERSEER_PROBES_ANALYSIS_FORMAT_H_
#define OVERSEER_PROBES_ANALYSIS_FORMAT_H_

#include <cstdint>
#include <string>

namespace overseer {

// A span of time, short and exact enough to read: "0s", "250ms", "1.5s",
// "42s", "1m30s", "2h05m". Negative spans get a leading "-".
std::string FormatDuration(int64_t ns);

// A count with thousands separators: "0", "999", "1,830", "2,400,000".
std::string FormatCount(uint64_t n);

// A signed byte rate: "0 B/s", "1.2 MB/s", "-512 B/s".
std::string FormatRate(double bytes_per_second);

// A ratio as an outlier reason shows it: "3.5x" below 10, "2,400x" above.
std::string FormatRatio(double ratio);

// Microseconds with a precision that suits their size: "0.25", "12.0",
// "1,234,567".
std::string FormatMicros(double us);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_FORMAT_H_
