#include "probes/capture/record_convert.h"

#include "absl/strings/str_cat.h"

namespace overseer {
namespace {

// The model's enums are one byte; a larger value cannot be a real kind.
absl::Status CheckEnum(uint32_t value, const char* what) {
  if (value > 255) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " value ", value, " out of range"));
  }
  return absl::OkStatus();
}

}  // namespace

void EncodeRecord(const CaptureInfo& in, pb::CaptureInfo* out) {
  out->set_program(in.program);
  out->set_source(in.source);
  out->set_start_unix_ns(in.start_unix_ns);
  out->set_interval_ns(in.interval_ns);
  out->set_schedulers(in.schedulers);
  out->set_process_overhead_bytes(in.process_overhead_bytes);
  out->set_absent(in.absent);
  out->set_node(in.node);
  out->set_runtime(in.runtime);
}

void EncodeRecord(const SystemSample& in, pb::System* out) {
  out->set_process_count(in.process_count);
  out->set_process_memory(in.process_memory);
  out->set_mailbox_bytes(in.mailbox_bytes);
  out->set_held_spec_bytes(in.held_spec_bytes);
  out->set_binary_bytes(in.binary_bytes);
  out->set_total_mailbox_len(in.total_mailbox_len);
  out->set_messages_sent(in.messages_sent);
  out->mutable_scheduler_utilization()->Assign(
      in.scheduler_utilization.begin(), in.scheduler_utilization.end());
  out->set_dropped_samples(in.dropped_samples);
  for (const MemoryCategory& c : in.memory_categories) {
    pb::MemoryCategory* r = out->add_memory_categories();
    r->set_name(c.name);
    r->set_bytes(c.bytes);
  }
  if (in.run_queue) out->set_run_queue(*in.run_queue);
}

void EncodeRecord(const ProcessSample& in, StringInterner& strings,
                  pb::Process* out) {
  out->set_pid(in.pid);
  out->set_parent(in.parent);
  out->set_name(strings.Intern(in.name));
  out->set_initial_call(strings.Intern(in.initial_call));
  out->set_current_function(strings.Intern(in.current_function));
  out->set_kind(static_cast<uint32_t>(in.kind));
  out->set_status(static_cast<uint32_t>(in.status));
  out->set_memory(in.memory.value);
  out->set_memory_peak(in.memory.peak);
  out->set_mailbox_len(in.mailbox_len.value);
  out->set_mailbox_len_peak(in.mailbox_len.peak);
  out->set_mailbox_bytes(in.mailbox_bytes.value);
  out->set_mailbox_bytes_peak(in.mailbox_bytes.peak);
  out->set_held_spec_bytes(in.held_spec_bytes.value);
  out->set_held_spec_bytes_peak(in.held_spec_bytes.peak);
  out->set_binary_bytes(in.binary_bytes.value);
  out->set_binary_bytes_peak(in.binary_bytes.peak);
  out->set_reductions(in.reductions);
  out->set_messages_in(in.messages_in);
  out->set_messages_out(in.messages_out);
  out->set_bytes_in(in.bytes_in);
  out->set_bytes_out(in.bytes_out);
  out->set_send_ns(in.send_ns);
  out->set_largest_send_bytes(in.largest_send_bytes);
  out->set_largest_send_to(in.largest_send_to);
  out->mutable_links()->Assign(in.links.begin(), in.links.end());
  out->mutable_monitors()->Assign(in.monitors.begin(), in.monitors.end());
  out->set_heap_bytes(in.heap_bytes);
}

void EncodeRecord(const ProcessDetail& in, StringInterner& strings,
                  pb::Detail* out) {
  out->set_pid(in.pid);
  out->set_state_bytes(in.state_bytes);
  for (const MessageTypeSummary& t : in.mailbox_types) {
    pb::MessageTypeSummary* r = out->add_mailbox_types();
    r->set_type(strings.Intern(t.type));
    r->set_count(t.count);
    r->set_bytes(t.bytes);
    r->set_oldest_age_ns(t.oldest_age_ns);
  }
  for (const MessagePreview& m : in.first_messages) {
    pb::MessagePreview* r = out->add_first_messages();
    r->set_type(strings.Intern(m.type));
    r->set_bytes(m.bytes);
    r->set_text(m.text);
  }
  for (const HeldSpec& h : in.held_specs) {
    pb::HeldSpec* r = out->add_held_specs();
    r->set_child_id(strings.Intern(h.child_id));
    r->set_child_pid(h.child_pid);
    r->set_bytes(h.bytes);
    r->set_start_kind(strings.Intern(h.start_kind));
    r->set_restart(strings.Intern(h.restart));
    r->set_captured(strings.Intern(h.captured));
  }
}

void EncodeRecord(const ZoneStat& in, StringInterner& strings, pb::Zone* out) {
  out->set_pid(in.pid);
  out->set_zone(strings.Intern(in.zone));
  out->set_calls(in.calls);
  out->set_total_ns(in.total_ns);
}

void EncodeRecord(const Event& in, pb::Event* out) {
  out->set_time_ns(in.time_ns);
  out->set_kind(static_cast<uint32_t>(in.kind));
  out->set_pid(in.pid);
  out->set_other_pid(in.other_pid);
  out->set_text(in.text);
}

CaptureInfo DecodeRecord(const pb::CaptureInfo& in) {
  CaptureInfo out;
  out.program = in.program();
  out.source = in.source();
  out.start_unix_ns = in.start_unix_ns();
  out.interval_ns = in.interval_ns();
  out.schedulers = in.schedulers();
  out.process_overhead_bytes = in.process_overhead_bytes();
  out.absent = in.absent();
  out.node = in.node();
  out.runtime = in.runtime();
  return out;
}

SystemSample DecodeRecord(const pb::System& in) {
  SystemSample out;
  out.process_count = in.process_count();
  out.process_memory = in.process_memory();
  out.mailbox_bytes = in.mailbox_bytes();
  out.held_spec_bytes = in.held_spec_bytes();
  out.binary_bytes = in.binary_bytes();
  out.total_mailbox_len = in.total_mailbox_len();
  out.messages_sent = in.messages_sent();
  out.scheduler_utilization.assign(in.scheduler_utilization().begin(),
                                   in.scheduler_utilization().end());
  out.dropped_samples = in.dropped_samples();
  out.memory_categories.reserve(static_cast<size_t>(in.memory_categories_size()));
  for (const pb::MemoryCategory& c : in.memory_categories()) {
    out.memory_categories.push_back({c.name(), c.bytes()});
  }
  if (in.has_run_queue()) out.run_queue = in.run_queue();
  return out;
}

absl::Status LookupString(const StringTableView& strings, uint32_t id,
                          std::string* out) {
  const std::string* s = strings.Find(id);
  if (s == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "string id ", id, " is not defined (table has ", strings.size(), ")"));
  }
  *out = *s;
  return absl::OkStatus();
}

absl::Status DecodeRecord(const pb::Process& in, const StringTableView& strings,
                          ProcessSample* out) {
  for (absl::Status s :
       {LookupString(strings, in.name(), &out->name),
        LookupString(strings, in.initial_call(), &out->initial_call),
        LookupString(strings, in.current_function(), &out->current_function),
        CheckEnum(in.kind(), "process kind"),
        CheckEnum(in.status(), "process status")}) {
    if (!s.ok()) return s;
  }
  out->pid = in.pid();
  out->parent = in.parent();
  out->kind = static_cast<ProcessKind>(in.kind());
  out->status = static_cast<ProcessStatus>(in.status());
  out->memory = {in.memory(), in.memory_peak()};
  out->mailbox_len = {in.mailbox_len(), in.mailbox_len_peak()};
  out->mailbox_bytes = {in.mailbox_bytes(), in.mailbox_bytes_peak()};
  out->held_spec_bytes = {in.held_spec_bytes(), in.held_spec_bytes_peak()};
  out->binary_bytes = {in.binary_bytes(), in.binary_bytes_peak()};
  out->reductions = in.reductions();
  out->messages_in = in.messages_in();
  out->messages_out = in.messages_out();
  out->bytes_in = in.bytes_in();
  out->bytes_out = in.bytes_out();
  out->send_ns = in.send_ns();
  out->largest_send_bytes = in.largest_send_bytes();
  out->largest_send_to = in.largest_send_to();
  out->links.assign(in.links().begin(), in.links().end());
  out->monitors.assign(in.monitors().begin(), in.monitors().end());
  out->heap_bytes = in.heap_bytes();
  return absl::OkStatus();
}

absl::Status DecodeRecord(const pb::Detail& in, const StringTableView& strings,
                          ProcessDetail* out) {
  out->pid = in.pid();
  out->state_bytes = in.state_bytes();
  out->mailbox_types.resize(static_cast<size_t>(in.mailbox_types_size()));
  for (int i = 0; i < in.mailbox_types_size(); ++i) {
    const pb::MessageTypeSummary& r = in.mailbox_types(i);
    MessageTypeSummary& t = out->mailbox_types[static_cast<size_t>(i)];
    if (absl::Status s = LookupString(strings, r.type(), &t.type); !s.ok()) {
      return s;
    }
    t.count = r.count();
    t.bytes = r.bytes();
    t.oldest_age_ns = r.oldest_age_ns();
  }
  out->first_messages.resize(static_cast<size_t>(in.first_messages_size()));
  for (int i = 0; i < in.first_messages_size(); ++i) {
    const pb::MessagePreview& r = in.first_messages(i);
    MessagePreview& m = out->first_messages[static_cast<size_t>(i)];
    if (absl::Status s = LookupString(strings, r.type(), &m.type); !s.ok()) {
      return s;
    }
    m.bytes = r.bytes();
    m.text = r.text();
  }
  out->held_specs.resize(static_cast<size_t>(in.held_specs_size()));
  for (int i = 0; i < in.held_specs_size(); ++i) {
    const pb::HeldSpec& r = in.held_specs(i);
    HeldSpec& h = out->held_specs[static_cast<size_t>(i)];
    for (absl::Status s : {LookupString(strings, r.child_id(), &h.child_id),
                           LookupString(strings, r.start_kind(), &h.start_kind),
                           LookupString(strings, r.restart(), &h.restart),
                           LookupString(strings, r.captured(), &h.captured)}) {
      if (!s.ok()) return s;
    }
    h.child_pid = r.child_pid();
    h.bytes = r.bytes();
  }
  return absl::OkStatus();
}

absl::Status DecodeRecord(const pb::Zone& in, const StringTableView& strings,
                          ZoneStat* out) {
  out->pid = in.pid();
  out->calls = in.calls();
  out->total_ns = in.total_ns();
  return LookupString(strings, in.zone(), &out->zone);
}

absl::Status DecodeRecord(const pb::Event& in, Event* out) {
  if (absl::Status s = CheckEnum(in.kind(), "event kind"); !s.ok()) return s;
  out->time_ns = in.time_ns();
  out->kind = static_cast<EventKind>(in.kind());
  out->pid = in.pid();
  out->other_pid = in.other_pid();
  out->text = in.text();
  return absl::OkStatus();
}

}  // namespace overseer
