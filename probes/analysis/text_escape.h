// Quoting for the exporters: JSON strings and CSV fields, safe for any bytes
// a damaged capture may put in a process name.
//
// Example:
//   JsonString("say \"hi\"\n")  // "\"say \\\"hi\\\"\\n\""
//   CsvField("a,b")             // "\"a,b\""
//
// All functions are pure and thread-safe.
#ifndef OVERSEER_PROBES_ANALYSIS_TEXT_ESCAPE_H_
#define OVERSEER_PROBES_ANALYSIS_TEXT_ESCAPE_H_

#include <string>
#include <string_view>

namespace overseer {

// Appends `text` as a quoted JSON string to `out`. Quotes, backslashes and
// control characters are escaped; bytes that are not valid UTF-8 become
// U+FFFD, so the output is always valid JSON.
void AppendJsonString(std::string_view text, std::string& out);

// `text` as a quoted JSON string.
std::string JsonString(std::string_view text);

// `text` as one CSV field (RFC 4180): quoted, with quotes doubled, when it
// holds a comma, a quote, a line break or leading or trailing spaces; as is
// otherwise.
std::string CsvField(std::string_view text);

// A finite number as JSON prints it ("%.17g" trimmed to what is needed);
// "null" for NaN and infinities, which JSON cannot hold.
std::string JsonNumber(double value);

}  // namespace overseer

#endif  // OVERSEER_PROBES_ANALYSIS_TEXT_ESCAPE_H_
